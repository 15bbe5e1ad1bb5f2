// Reading outside XML: the SdI arithmetic checker and SdI receipts. Both parse with
// libxml2 with the network off and no entity substitution or DTD loading, after a size
// check, and refuse any document carrying a DOCTYPE (neither format has one).
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <cstring>
#include <map>
#include <memory>
#include <tuple>

#include "fondaco/base/limits.h"
#include "fondaco/invoicing/fatturapa.h"

namespace fondaco::invoicing {
namespace {

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocFree>;

Result<DocPtr> parse_untrusted(std::string_view xml, std::size_t max_bytes, const char* what) {
  if (xml.size() > max_bytes)
    return fail(ErrorCode::invalid_argument, std::string(what) + " is too large", "body");
  if (xml.empty() || xml.find("<!DOCTYPE") != std::string_view::npos ||
      xml.find("<!ENTITY") != std::string_view::npos)
    return fail(ErrorCode::invalid_argument, std::string(what) + ": empty or has a DOCTYPE",
                "body");
  constexpr int kOptions = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
  DocPtr doc(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "input.xml", nullptr,
                           kOptions));
  if (!doc || !xmlDocGetRootElement(doc.get()))
    return fail(ErrorCode::invalid_argument, std::string(what) + " is not well-formed XML",
                "body");
  if (doc->intSubset || doc->extSubset)
    return fail(ErrorCode::invalid_argument, std::string(what) + " has a DTD", "body");
  return doc;
}

bool named(const xmlNode* n, const char* name) {
  return n && n->type == XML_ELEMENT_NODE && std::strcmp(reinterpret_cast<const char*>(n->name), name) == 0;
}

const xmlNode* child(const xmlNode* n, const char* name) {
  for (const xmlNode* c = n ? n->children : nullptr; c; c = c->next)
    if (named(c, name)) return c;
  return nullptr;
}

std::vector<const xmlNode*> children(const xmlNode* n, const char* name) {
  std::vector<const xmlNode*> out;
  for (const xmlNode* c = n ? n->children : nullptr; c; c = c->next)
    if (named(c, name)) out.push_back(c);
  return out;
}

// First element with this name in document order (depth-first), or null.
const xmlNode* descendant(const xmlNode* n, const char* name) {
  for (const xmlNode* c = n ? n->children : nullptr; c; c = c->next) {
    if (named(c, name)) return c;
    if (const xmlNode* d = descendant(c, name)) return d;
  }
  return nullptr;
}

std::optional<std::string> text(const xmlNode* n) {
  if (!n) return std::nullopt;
  xmlChar* t = xmlNodeGetContent(n);
  if (!t) return std::string();
  std::string s(reinterpret_cast<const char*>(t));
  xmlFree(t);
  const auto b = s.find_first_not_of(" \t\r\n");
  const auto e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// Decimals as 10^-8 fixed point in 128 bits (11 integer digits × 8 decimals overflow 64).
using Fixed = __int128;
constexpr Fixed kOne = 100'000'000;
constexpr Fixed kCent = kOne / 100;

std::optional<Fixed> parse_fixed(const std::optional<std::string>& s) {
  if (!s || s->empty() || s->size() > 40) return std::nullopt;
  std::size_t i = 0;
  const bool neg = (*s)[0] == '-';
  if (neg) ++i;
  Fixed v = 0;
  int decimals = -1, digits = 0;
  for (; i < s->size(); ++i) {
    const char c = (*s)[i];
    if (c == '.' && decimals < 0) {
      decimals = 0;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    if (decimals >= 0 && ++decimals > 8) return std::nullopt;
    if (++digits > 20) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (digits == 0) return std::nullopt;
  for (int k = decimals < 0 ? 0 : decimals; k < 8; ++k) v *= 10;
  return neg ? -v : v;
}

// At most max bytes of UTF-8, never cutting a character in two.
std::string utf8_prefix(std::string s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  s.resize(cut);
  return s;
}

Fixed abs_fixed(Fixed v) { return v < 0 ? -v : v; }
// Rounds a 10^-8 value to cents, half away from zero.
Fixed to_cents(Fixed v) {
  const Fixed c = (abs_fixed(v) + kCent / 2) / kCent * kCent;
  return v < 0 ? -c : c;
}

using RateKey = std::tuple<std::int64_t, std::string>;  // AliquotaIVA (fixed), Natura

struct BodyChecker {
  std::vector<CheckIssue>& issues;
  int body_no;
  std::map<RateKey, Fixed> sums;

  void issue(const char* code, const std::string& where) {
    issues.push_back({code, "body " + std::to_string(body_no) + ": " + where});
  }
  std::optional<Fixed> num(const xmlNode* parent, const char* name, const std::string& where,
                           bool required = true) {
    const xmlNode* n = child(parent, name);
    if (!n && !required) return std::nullopt;
    auto v = parse_fixed(text(n));
    if (!v) issue("00200", where + ": " + name + " missing or not a decimal");
    return v;
  }
  void natura_rule(const xmlNode* n, Fixed rate, const char* missing, const char* extra,
                   const std::string& where) {
    const bool has = child(n, "Natura") != nullptr;
    if (rate == 0 && !has) issue(missing, where + ": AliquotaIVA 0 without Natura");
    if (rate != 0 && has) issue(extra, where + ": Natura with a non-zero AliquotaIVA");
  }
  void line(const xmlNode* l, std::size_t i);
  void summaries(const xmlNode* beni, const xmlNode* general_doc);
};

void BodyChecker::line(const xmlNode* l, std::size_t i) {
  const std::string where = "DettaglioLinee[" + std::to_string(i) + "]";
  auto unit = num(l, "PrezzoUnitario", where);
  auto total = num(l, "PrezzoTotale", where);
  auto rate = num(l, "AliquotaIVA", where);
  auto qty = child(l, "Quantita") ? num(l, "Quantita", where) : std::optional<Fixed>(kOne);
  if (!unit || !total || !rate || !qty) return;
  Fixed price = *unit;
  for (const xmlNode* sm : children(l, "ScontoMaggiorazione")) {
    const bool discount = text(child(sm, "Tipo")).value_or("") == "SC";
    auto pct = num(sm, "Percentuale", where, false);
    auto amount = num(sm, "Importo", where, false);
    const Fixed delta = pct ? price * *pct / (100 * kOne) : amount.value_or(0);
    price += discount ? -delta : delta;
  }
  const Fixed expected = price * *qty / kOne;
  if (abs_fixed(expected - *total) > kCent)
    issue("00423", where + ": PrezzoTotale is not PrezzoUnitario x Quantita");
  natura_rule(l, *rate, "00400", "00401", where);
  sums[{static_cast<std::int64_t>(*rate), text(child(l, "Natura")).value_or("")}] += *total;
}

void BodyChecker::summaries(const xmlNode* beni, const xmlNode* gd) {
  std::map<RateKey, bool> seen;
  Fixed document = 0;
  auto riepiloghi = children(beni, "DatiRiepilogo");
  for (std::size_t i = 0; i < riepiloghi.size(); ++i) {
    const xmlNode* r = riepiloghi[i];
    const std::string where = "DatiRiepilogo[" + std::to_string(i) + "]";
    auto rate = num(r, "AliquotaIVA", where);
    auto taxable = num(r, "ImponibileImporto", where);
    auto tax = num(r, "Imposta", where);
    auto rounding = num(r, "Arrotondamento", where, false);
    if (!rate || !taxable || !tax) continue;
    natura_rule(r, *rate, "00429", "00430", where);
    const RateKey key{static_cast<std::int64_t>(*rate), text(child(r, "Natura")).value_or("")};
    seen[key] = true;
    const Fixed lines = sums.count(key) ? sums[key] : 0;
    if (abs_fixed(*taxable - lines - rounding.value_or(0)) > kOne)
      issue("00422", where + ": ImponibileImporto is not the sum of its lines' PrezzoTotale");
    if (abs_fixed(*tax - to_cents(*taxable * *rate / (100 * kOne))) > kOne)
      issue("00421", where + ": Imposta is not ImponibileImporto x AliquotaIVA");
    document += *taxable + *tax;
  }
  for (const auto& [key, sum] : sums)
    if (!seen.count(key)) issue("00419", "no DatiRiepilogo for a rate used by a line");
  if (const xmlNode* t = child(gd, "ImportoTotaleDocumento")) {
    auto total = parse_fixed(text(t));
    auto rounding = num(gd, "Arrotondamento", "DatiGeneraliDocumento", false);
    if (!total || abs_fixed(*total - document - rounding.value_or(0)) > kCent)
      issue("FND01", "ImportoTotaleDocumento is not the sum of the VAT summary");
  }
}

}  // namespace

Result<std::vector<CheckIssue>> check_fatturapa(std::string_view xml) {
  auto doc = FONDACO_TRY(parse_untrusted(xml, limits::kMaxFatturaPaBytes, "FatturaPA file"));
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!named(root, "FatturaElettronica"))
    return fail(ErrorCode::invalid_argument, "not a FatturaElettronica", "body");
  std::vector<CheckIssue> issues;
  int body_no = 0;
  for (const xmlNode* body : children(root, "FatturaElettronicaBody")) {
    BodyChecker c{issues, ++body_no, {}};
    const xmlNode* beni = child(body, "DatiBeniServizi");
    auto lines = children(beni, "DettaglioLinee");
    for (std::size_t i = 0; i < lines.size(); ++i) c.line(lines[i], i);
    c.summaries(beni, child(child(body, "DatiGenerali"), "DatiGeneraliDocumento"));
  }
  if (body_no == 0) issues.push_back({"00200", "no FatturaElettronicaBody"});
  return issues;
}

Result<SdiReceipt> parse_sdi_receipt(std::string_view xml) {
  auto doc = FONDACO_TRY(parse_untrusted(xml, limits::kMaxSdiReceiptBytes, "SdI receipt"));
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  SdiReceipt r;
  if (named(root, "RicevutaConsegna")) r.type = "RC";
  else if (named(root, "NotificaScarto")) r.type = "NS";
  else if (named(root, "NotificaMancataConsegna")) r.type = "MC";
  else if (named(root, "NotificaEsito")) r.type = "NE";
  else return fail(ErrorCode::invalid_argument, "not an SdI receipt (RC, NS, MC, NE)", "body");
  r.file_name = text(child(root, "NomeFile")).value_or("");
  if (r.file_name.empty() || r.file_name.size() > 50)
    return fail(ErrorCode::invalid_argument, "NomeFile missing or too long", "NomeFile");
  if (auto id = text(child(root, "IdentificativoSdI")); id && !id->empty() && id->size() <= 20)
    r.sdi_identifier = *id;
  for (const xmlNode* e : children(child(root, "ListaErrori"), "Errore")) {
    if (r.errors.size() >= limits::kMaxSdiErrors) break;
    r.errors.push_back({utf8_prefix(text(child(e, "Codice")).value_or(""), 10),
                        utf8_prefix(text(child(e, "Descrizione")).value_or(""), 500)});
  }
  if (r.type == "NE") {
    auto esito = text(descendant(root, "Esito")).value_or("");
    if (esito != "EC01" && esito != "EC02")
      return fail(ErrorCode::invalid_argument, "NotificaEsito needs Esito EC01 or EC02", "Esito");
    r.outcome = esito;
  }
  if (r.type == "NS" && r.errors.empty())
    return fail(ErrorCode::invalid_argument, "NotificaScarto without errors", "ListaErrori");
  return r;
}

}  // namespace fondaco::invoicing
