// Bank statements (ISO 20022 camt.053 with libxml2; CSV) and carrier COD remittances (CSV).
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "fondaco/base/limits.h"
#include "fondaco/base/money.h"
#include "fondaco/base/text.h"
#include "fondaco/payments/formats.h"

namespace fondaco::payments {
namespace {

Result<void> check_size(std::string_view text) {
  if (text.size() > limits::kMaxStatementBytes)
    return fail(ErrorCode::payload_too_large, "statement larger than 1 MiB", "body");
  if (text.empty()) return fail(ErrorCode::invalid_argument, "statement is empty", "body");
  if (!is_valid_utf8(text) || text.find('\0') != std::string_view::npos)
    return fail(ErrorCode::invalid_argument, "not valid UTF-8 text", "body");
  return ok();
}

bool is_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

std::string clip(std::string s, std::size_t max_chars) {
  if (s.size() > max_chars) s.resize(max_chars);
  while (!s.empty() && !is_valid_utf8(s)) s.pop_back();  // never cut a code point in half
  return s;
}

// ---- camt.053 ----

bool is(const xmlNode* n, const char* name) {
  return n && n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name);
}
const xmlNode* child(const xmlNode* n, const char* name) {
  for (const xmlNode* c = n ? n->children : nullptr; c; c = c->next)
    if (is(c, name)) return c;
  return nullptr;
}
// child(child(...)) along a path of element names.
const xmlNode* path(const xmlNode* n, std::initializer_list<const char*> names) {
  for (const char* name : names) n = child(n, name);
  return n;
}
std::string content(const xmlNode* n) {
  if (!n) return {};
  std::unique_ptr<xmlChar, decltype(xmlFree)> c(xmlNodeGetContent(n), xmlFree);
  std::string s = c ? reinterpret_cast<const char*>(c.get()) : "";
  const auto b = s.find_first_not_of(" \t\r\n");
  const auto e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// Remittance lines and debtor of every TxDtls of an entry (a batch booking has several).
void read_details(const xmlNode* ntry, StatementEntry& e) {
  for (const xmlNode* dtls = child(ntry, "NtryDtls"); dtls; dtls = dtls->next) {
    if (!is(dtls, "NtryDtls")) continue;
    for (const xmlNode* tx = dtls->children; tx; tx = tx->next) {
      if (!is(tx, "TxDtls")) continue;
      for (const xmlNode* u = path(tx, {"RmtInf"}) ? path(tx, {"RmtInf"})->children : nullptr; u;
           u = u->next)
        if (is(u, "Ustrd")) e.text += (e.text.empty() ? "" : " ") + content(u);
      if (e.counterparty.empty()) e.counterparty = content(path(tx, {"RltdPties", "Dbtr", "Nm"}));
      if (e.reference.empty()) e.reference = content(path(tx, {"Refs", "AcctSvcrRef"}));
    }
  }
  if (e.text.empty()) e.text = content(child(ntry, "AddtlNtryInf"));
}

Result<StatementEntry> read_entry(const xmlNode* ntry, std::size_t index) {
  const std::string field = "Ntry[" + std::to_string(index) + "]";
  StatementEntry e;
  const xmlNode* amt = child(ntry, "Amt");
  if (!amt) return fail(ErrorCode::invalid_argument, "Amt missing", field + ".Amt");
  std::unique_ptr<xmlChar, decltype(xmlFree)> ccy(xmlGetProp(amt, BAD_CAST "Ccy"), xmlFree);
  e.currency = ccy ? reinterpret_cast<const char*>(ccy.get()) : "";
  if (!is_known_currency(e.currency))
    return fail(ErrorCode::invalid_argument, "Ccy must be an ISO 4217 code", field + ".Amt@Ccy");
  e.amount_minor = FONDACO_TRY(parse_decimal_minor(content(amt), field + ".Amt"));
  if (e.amount_minor < 0)
    return fail(ErrorCode::invalid_argument, "Amt must not be negative", field + ".Amt");
  const std::string ind = content(child(ntry, "CdtDbtInd"));
  if (ind != "CRDT" && ind != "DBIT")
    return fail(ErrorCode::invalid_argument, "must be CRDT or DBIT", field + ".CdtDbtInd");
  if (ind == "DBIT") e.amount_minor = -e.amount_minor;
  const xmlNode* date = child(ntry, "BookgDt");
  e.booking_date = content(child(date, "Dt"));
  if (e.booking_date.empty()) e.booking_date = content(child(date, "DtTm")).substr(0, 10);
  if (!is_date(e.booking_date))
    return fail(ErrorCode::invalid_argument, "BookgDt/Dt must be YYYY-MM-DD", field + ".BookgDt");
  e.reference = content(child(ntry, "AcctSvcrRef"));
  if (e.reference.empty()) e.reference = content(child(ntry, "NtryRef"));
  read_details(ntry, e);
  e.text = clip(std::move(e.text), limits::kMaxRemittanceChars);
  e.reference = clip(std::move(e.reference), limits::kMaxShortTextChars);
  e.counterparty = clip(std::move(e.counterparty), limits::kMaxShortTextChars);
  return e;
}

void silence(void*, const char*, ...) {}

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

}  // namespace

Result<std::vector<StatementEntry>> parse_camt053(std::string_view xml) {
  FONDACO_TRY(check_size(xml));
  // No DTD at all: without one there are no entities to expand ("billion laughs") and no
  // external entity to fetch. Checked on the raw text, before libxml2 sees it.
  if (xml.find("<!DOCTYPE") != std::string_view::npos || xml.find("<!ENTITY") != std::string_view::npos)
    return fail(ErrorCode::invalid_argument, "DOCTYPE/ENTITY declarations are not allowed", "body");
  static std::once_flag init;
  std::call_once(init, [] {
    xmlInitParser();
    xmlSetGenericErrorFunc(nullptr, silence);
  });
  // NONET: never fetch; no NOENT (no substitution), no DTDLOAD/DTDATTR; errors not printed.
  const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
  std::unique_ptr<xmlDoc, DocFree> doc(xmlReadMemory(xml.data(), static_cast<int>(xml.size()),
                                                     "statement.xml", "UTF-8", options));
  if (!doc) return fail(ErrorCode::invalid_argument, "not well-formed XML", "body");
  if (doc->intSubset || doc->extSubset)
    return fail(ErrorCode::invalid_argument, "DTDs are not allowed", "body");
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!is(root, "Document") || !root->ns || !root->ns->href ||
      !xmlStrstr(root->ns->href, BAD_CAST "urn:iso:std:iso:20022:tech:xsd:camt.053."))
    return fail(ErrorCode::invalid_argument, "not a camt.053 Document", "body");
  const xmlNode* stmts = child(root, "BkToCstmrStmt");
  if (!stmts) return fail(ErrorCode::invalid_argument, "BkToCstmrStmt missing", "body");
  std::vector<StatementEntry> out;
  for (const xmlNode* st = stmts->children; st; st = st->next) {
    if (!is(st, "Stmt")) continue;
    for (const xmlNode* n = st->children; n; n = n->next) {
      if (!is(n, "Ntry")) continue;
      if (out.size() >= limits::kMaxStatementEntries)
        return fail(ErrorCode::payload_too_large, "too many entries in one statement", "body");
      out.push_back(FONDACO_TRY(read_entry(n, out.size())));
    }
  }
  return out;
}

// ---- CSV ----
namespace {

// RFC 4180: fields separated by commas, optionally quoted ("" inside quotes is a quote).
Result<std::vector<std::vector<std::string>>> split_csv(std::string_view text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string cur;
  bool quoted = false, was_quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') cur += '"', ++i;
      else if (c == '"') quoted = false;
      else cur += c;
      continue;
    }
    if (c == '"' && cur.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(cur));
      cur.clear();
      was_quoted = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      rows.back().push_back(std::move(cur));
      cur.clear();
      was_quoted = false;
      if (rows.size() > limits::kMaxStatementEntries + 1)
        return fail(ErrorCode::payload_too_large, "too many rows", "body");
      rows.emplace_back();
    } else {
      cur += c;
    }
  }
  if (quoted) return fail(ErrorCode::invalid_argument, "unterminated quoted field", "body");
  if (!cur.empty() || !rows.back().empty() || was_quoted) rows.back().push_back(std::move(cur));
  std::erase_if(rows, [](const auto& r) { return r.empty() || (r.size() == 1 && r[0].empty()); });
  return rows;
}

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t");
  const auto e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// Column positions by header name; every `required` must be present, nothing unknown.
Result<std::vector<int>> header_columns(const std::vector<std::string>& header,
                                        std::initializer_list<const char*> known) {
  std::vector<int> pos(known.size(), -1);
  for (std::size_t c = 0; c < header.size(); ++c) {
    std::string name = ascii_lower(trim(header[c]));
    if (c == 0 && name.starts_with("\xEF\xBB\xBF")) name = name.substr(3);  // BOM
    const auto it = std::find_if(known.begin(), known.end(), [&](const char* k) { return name == k; });
    if (it == known.end())
      return fail(ErrorCode::invalid_argument, "unknown column \"" + name + "\"",
                  "header[" + std::to_string(c) + "]");
    auto& slot = pos[static_cast<std::size_t>(it - known.begin())];
    if (slot >= 0)
      return fail(ErrorCode::invalid_argument, "column listed twice", "header[" + std::to_string(c) + "]");
    slot = static_cast<int>(c);
  }
  return pos;
}

std::string cell(const std::vector<std::string>& row, int col) {
  return col >= 0 && static_cast<std::size_t>(col) < row.size() ? trim(row[static_cast<std::size_t>(col)]) : "";
}

// date, amount, currency of one row (shared by both CSV kinds).
Result<void> read_money(const std::vector<std::string>& row, int date_col, int amount_col,
                        int ccy_col, const std::string& f, StatementEntry& e) {
  e.booking_date = cell(row, date_col);
  if (!is_date(e.booking_date))
    return fail(ErrorCode::invalid_argument, "must be YYYY-MM-DD", f + ".date");
  e.amount_minor = FONDACO_TRY(parse_decimal_minor(cell(row, amount_col), f + ".amount"));
  e.currency = cell(row, ccy_col);
  for (auto& ch : e.currency)
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  if (!is_known_currency(e.currency))
    return fail(ErrorCode::invalid_argument, "must be an ISO 4217 code", f + ".currency");
  return ok();
}

}  // namespace

Result<std::vector<StatementEntry>> parse_statement_csv(std::string_view csv) {
  FONDACO_TRY(check_size(csv));
  auto rows = FONDACO_TRY(split_csv(csv));
  if (rows.empty()) return fail(ErrorCode::invalid_argument, "header row missing", "header");
  const auto col = FONDACO_TRY(
      header_columns(rows[0], {"date", "amount", "currency", "description", "reference"}));
  for (int i : {0, 1, 2, 3})
    if (col[static_cast<std::size_t>(i)] < 0)
      return fail(ErrorCode::invalid_argument,
                  "header must have date,amount,currency,description[,reference]", "header");
  std::vector<StatementEntry> out;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const std::string f = "rows[" + std::to_string(r - 1) + "]";
    if (rows[r].size() > rows[0].size())
      return fail(ErrorCode::invalid_argument, "more fields than the header", f);
    StatementEntry e;
    FONDACO_TRY(read_money(rows[r], col[0], col[1], col[2], f, e));
    e.text = clip(cell(rows[r], col[3]), limits::kMaxRemittanceChars);
    e.reference = clip(cell(rows[r], col[4]), limits::kMaxShortTextChars);
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<StatementEntry>> parse_cod_csv(std::string_view csv) {
  FONDACO_TRY(check_size(csv));
  auto rows = FONDACO_TRY(split_csv(csv));
  if (rows.empty()) return fail(ErrorCode::invalid_argument, "header row missing", "header");
  const auto col = FONDACO_TRY(
      header_columns(rows[0], {"tracking_number", "order_number", "amount", "currency", "date"}));
  if ((col[0] < 0 && col[1] < 0) || col[2] < 0 || col[3] < 0 || col[4] < 0)
    return fail(ErrorCode::invalid_argument,
                "header must have tracking_number and/or order_number, amount, currency, date",
                "header");
  std::vector<StatementEntry> out;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const std::string f = "rows[" + std::to_string(r - 1) + "]";
    if (rows[r].size() > rows[0].size())
      return fail(ErrorCode::invalid_argument, "more fields than the header", f);
    StatementEntry e;
    FONDACO_TRY(read_money(rows[r], col[4], col[2], col[3], f, e));
    e.tracking_number = clip(cell(rows[r], col[0]), limits::kMaxShortTextChars);
    e.order_number = clip(cell(rows[r], col[1]), limits::kMaxShortTextChars);
    for (auto& ch : e.order_number)
      if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    if (e.tracking_number.empty() && e.order_number.empty())
      return fail(ErrorCode::invalid_argument, "tracking_number or order_number required", f);
    e.reference = e.tracking_number.empty() ? e.order_number : e.tracking_number;
    e.text = e.order_number;
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace fondaco::payments
