// Printed documents: the shipping label (PDF 100×150 mm and ZPL 4×6 in at 203 dpi), the
// pick list and the carrier manifest (borderò) as PDF. libharu writes the PDFs with its
// base-14 Helvetica (WinAnsi text); zint encodes the Code 128 symbol, whose modules are
// drawn as filled rectangles so the bars stay sharp at any printer resolution.
#include <hpdf.h>
#include <zint.h>

#include <algorithm>
#include <map>
#include <memory>

#include "fondaco/base/money.h"
#include "internal.h"

namespace fondaco::fulfillment {
namespace detail {
namespace {

// A libharu document that records its first error instead of aborting.
class Pdf {
 public:
  Pdf() : doc_(HPDF_New(&Pdf::on_error, this)) {
    if (doc_) {
      HPDF_SetCompressionMode(doc_, HPDF_COMP_ALL);
      font_ = HPDF_GetFont(doc_, "Helvetica", "WinAnsiEncoding");
      bold_ = HPDF_GetFont(doc_, "Helvetica-Bold", "WinAnsiEncoding");
    }
  }
  ~Pdf() {
    if (doc_) HPDF_Free(doc_);
  }
  Pdf(const Pdf&) = delete;
  Pdf& operator=(const Pdf&) = delete;

  HPDF_Page page(float w, float h) {
    page_ = HPDF_AddPage(doc_);
    HPDF_Page_SetWidth(page_, w);
    HPDF_Page_SetHeight(page_, h);
    return page_;
  }
  // Text at (x, y), cut to max_w points.
  void text(float x, float y, std::string_view utf8, float size, bool bold = false,
            float max_w = 1e6f) {
    std::string s = to_winansi(utf8);
    HPDF_Page_SetFontAndSize(page_, bold ? bold_ : font_, size);
    while (!s.empty() && HPDF_Page_TextWidth(page_, s.c_str()) > max_w) s.pop_back();
    HPDF_Page_BeginText(page_);
    HPDF_Page_TextOut(page_, x, y, s.c_str());
    HPDF_Page_EndText(page_);
  }
  void rect(float x, float y, float w, float h, bool fill) {
    HPDF_Page_Rectangle(page_, x, y, w, h);
    if (fill) HPDF_Page_Fill(page_);
    else HPDF_Page_Stroke(page_);
  }
  void line(float x0, float y0, float x1, float y1) {
    HPDF_Page_MoveTo(page_, x0, y0);
    HPDF_Page_LineTo(page_, x1, y1);
    HPDF_Page_Stroke(page_);
  }
  Result<std::string> bytes() {
    if (!doc_ || error_) return fail(ErrorCode::internal, "PDF rendering failed: " + std::to_string(error_));
    if (HPDF_SaveToStream(doc_) != HPDF_OK) return fail(ErrorCode::internal, "PDF save failed");
    std::string out(HPDF_GetStreamSize(doc_), '\0');
    HPDF_UINT32 size = static_cast<HPDF_UINT32>(out.size());
    HPDF_ReadFromStream(doc_, reinterpret_cast<HPDF_BYTE*>(out.data()), &size);
    out.resize(size);
    return out;
  }

 private:
  static void on_error(HPDF_STATUS error_no, HPDF_STATUS, void* self) {
    auto* p = static_cast<Pdf*>(self);
    if (!p->error_) p->error_ = static_cast<long>(error_no);
  }
  HPDF_Doc doc_;
  HPDF_Font font_ = nullptr;
  HPDF_Font bold_ = nullptr;
  HPDF_Page page_ = nullptr;
  long error_ = 0;
};

// The bar pattern of a Code 128 symbol: one bool per module, dark = true.
Result<std::vector<bool>> code128_modules(const std::string& data) {
  std::unique_ptr<zint_symbol, void (*)(zint_symbol*)> sym(ZBarcode_Create(), ZBarcode_Delete);
  if (!sym) return fail(ErrorCode::internal, "zint: out of memory");
  sym->symbology = BARCODE_CODE128;
  sym->show_hrt = 0;
  sym->whitespace_width = 0;
  sym->scale = 0.5f;  // one pixel per module in the raster
  if (ZBarcode_Encode(sym.get(), reinterpret_cast<const unsigned char*>(data.data()),
                      static_cast<int>(data.size())) >= ZINT_ERROR ||
      ZBarcode_Buffer(sym.get(), 0) >= ZINT_ERROR)
    return fail(ErrorCode::internal, std::string("zint: ") + sym->errtxt);
  const int modules = sym->width;
  if (modules <= 0 || sym->bitmap_width < modules)
    return fail(ErrorCode::internal, "zint: unexpected raster");
  const int per = sym->bitmap_width / modules;
  const int row = sym->bitmap_height / 2;
  std::vector<bool> out(static_cast<std::size_t>(modules));
  for (int m = 0; m < modules; ++m) {
    const unsigned char* px = sym->bitmap + 3 * (row * sym->bitmap_width + m * per + per / 2);
    out[static_cast<std::size_t>(m)] = px[0] < 128;
  }
  return out;
}

// Draws the symbol centred in [x, x + w] with ten-module quiet zones either side.
Result<void> draw_code128(Pdf& pdf, const std::string& data, float x, float y, float w, float h) {
  const auto modules = FONDACO_TRY(code128_modules(data));
  const float n = static_cast<float>(modules.size());
  const float module_w = std::min(1.5f, w / (n + 20.0f));  // ≥ 0.75 pt for our lengths
  float cx = x + (w - module_w * n) / 2.0f;
  for (std::size_t i = 0; i < modules.size();) {
    std::size_t j = i;
    while (j < modules.size() && modules[j] == modules[i]) ++j;
    if (modules[i]) pdf.rect(cx + module_w * static_cast<float>(i), y,
                             module_w * static_cast<float>(j - i), h, true);
    i = j;
  }
  return ok();
}

std::string kg(std::int64_t grams) {
  std::string frac = std::to_string(grams % 1000);
  frac.insert(0, 3 - frac.size(), '0');
  return std::to_string(grams / 1000) + "." + frac + " kg";
}

std::vector<std::string> address_lines(const Address& a) {
  std::vector<std::string> out{a.name, a.line1};
  if (a.line2) out.push_back(*a.line2);
  out.push_back(a.postal_code + " " + a.city + (a.province ? " (" + *a.province + ")" : ""));
  out.push_back(a.country);
  if (a.phone) out.push_back("Tel. " + *a.phone);
  return out;
}

std::string cod_text(const Shipment& s) {
  if (!s.cod_amount_minor) return {};
  return s.cod_currency.value_or("") + " " + format_minor(*s.cod_amount_minor);
}

// ZPL field data cannot carry its own command characters.
std::string zpl_text(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c == '^' || c == '~' || static_cast<unsigned char>(c) < 0x20) c = ' ';
  return out;
}

}  // namespace

std::string to_winansi(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size();) {
    const auto b = static_cast<unsigned char>(in[i]);
    std::uint32_t cp = b;
    std::size_t len = 1;
    if (b >= 0xF0) len = 4, cp = b & 0x07;
    else if (b >= 0xE0) len = 3, cp = b & 0x0F;
    else if (b >= 0xC0) len = 2, cp = b & 0x1F;
    for (std::size_t k = 1; k < len && i + k < in.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(in[i + k]) & 0x3F);
    i += len;
    if (cp < 0x20 || cp == 0x7F) out += ' ';
    else if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF)) out += static_cast<char>(cp);
    else if (cp == 0x20AC) out += static_cast<char>(0x80);  // €
    else out += '?';
  }
  return out;
}

Result<std::string> label_pdf(const Shipment& s, const Carrier& c) {
  constexpr float W = 283.46f, H = 425.2f, M = 12.0f;  // 100 × 150 mm
  Pdf pdf;
  pdf.page(W, H);
  pdf.text(M, H - 30, c.name, 18, true, W - 2 * M - 80);
  pdf.text(W - M - 75, H - 30, s.service, 12, true, 75);
  pdf.line(M, H - 40, W - M, H - 40);
  pdf.text(M, H - 54, "Mittente / From:", 7, true);
  float y = H - 64;
  if (s.ship_from) {
    for (const auto& l : address_lines(*s.ship_from)) pdf.text(M, y, l, 7, false, W - 2 * M), y -= 8;
  } else {
    pdf.text(M, y, "Location " + s.location, 7), y -= 8;
  }
  pdf.line(M, y, W - M, y);
  pdf.text(M, y - 14, "Destinatario / To:", 8, true);
  y -= 30;
  bool first = true;
  for (const auto& l : address_lines(s.ship_to)) {
    pdf.text(M, y, l, first ? 14 : 11, first, W - 2 * M);
    y -= first ? 17 : 14;
    first = false;
  }
  pdf.line(M, y, W - M, y);
  y -= 14;
  pdf.text(M, y, "Order " + s.order_number, 9, true, W - 2 * M);
  pdf.text(M, y - 13, "Weight " + kg(s.weight_g) + "   Parcels " + std::to_string(s.parcels), 9);
  if (s.cod_amount_minor) pdf.text(M, y - 30, "CONTRASSEGNO / COD " + cod_text(s), 12, true);
  const std::string tracking = s.tracking_number.value_or("");
  FONDACO_TRY(draw_code128(pdf, tracking, M, 40, W - 2 * M, 80));
  pdf.text(M + 40, 24, tracking, 12, true);
  return pdf.bytes();
}

std::string label_zpl(const Shipment& s, const Carrier& c) {
  std::string z = "^XA\n^CI28\n^PW812\n^LL1218\n^LH0,0\n";
  auto field = [&z](int x, int y, int size, std::string_view text) {
    z += "^FO" + std::to_string(x) + "," + std::to_string(y) + "^A0N," + std::to_string(size) +
         "," + std::to_string(size) + "^FD" + zpl_text(text) + "^FS\n";
  };
  field(30, 30, 50, c.name);
  field(560, 40, 30, s.service);
  z += "^FO30,95^GB752,3,3^FS\n";
  int y = 110;
  if (s.ship_from) {
    const auto lines = address_lines(*s.ship_from);
    field(30, y, 22, "From: " + lines[0] + ", " + lines[1] + ", " + lines[lines.size() > 4 ? 3 : 2]);
  } else {
    field(30, y, 22, "From: location " + s.location);
  }
  field(30, 160, 26, "To:");
  y = 195;
  bool first = true;
  for (const auto& l : address_lines(s.ship_to)) {
    field(30, y, first ? 44 : 34, l);
    y += first ? 50 : 40;
    first = false;
  }
  field(30, 560, 30, "Order " + s.order_number);
  field(30, 600, 30, "Weight " + kg(s.weight_g) + "  Parcels " + std::to_string(s.parcels));
  if (s.cod_amount_minor) field(30, 640, 36, "COD " + cod_text(s));
  z += "^FO60,760^BY3^BCN,220,Y,N,N^FD" + zpl_text(s.tracking_number.value_or("")) + "^FS\n";
  z += "^XZ\n";
  return z;
}

}  // namespace detail

Result<std::string> pick_list_pdf(const PickList& p) {
  constexpr float W = 595.28f, H = 841.89f, M = 40.0f;  // A4
  detail::Pdf pdf;
  pdf.page(W, H);
  pdf.text(M, H - 50, "Pick list #" + std::to_string(p.id) + "  -  " + p.location, 18, true);
  std::string ships = "Shipments:";
  for (auto id : p.shipment_ids) ships += " " + std::to_string(id);
  pdf.text(M, H - 70, ships, 9, false, W - 2 * M);
  float y = H - 100;
  auto header = [&] {
    pdf.text(M + 20, y, "Bin", 10, true);
    pdf.text(M + 110, y, "SKU", 10, true);
    pdf.text(M + 230, y, "Description", 10, true);
    pdf.text(W - M - 40, y, "Qty", 10, true);
    pdf.line(M, y - 5, W - M, y - 5);
    y -= 22;
  };
  header();
  for (const auto& l : p.lines) {
    if (y < M) {
      pdf.page(W, H);
      y = H - M;
      header();
    }
    pdf.rect(M, y - 2, 10, 10, false);  // the picker ticks it
    pdf.text(M + 20, y, l.bin.value_or("-"), 10, false, 85);
    pdf.text(M + 110, y, l.sku, 10, true, 115);
    pdf.text(M + 230, y, l.description, 10, false, W - M - 50 - (M + 230));
    pdf.text(W - M - 40, y, std::to_string(l.qty), 11, true);
    y -= 18;
  }
  return pdf.bytes();
}

Result<std::string> manifest_pdf(const Manifest& m) {
  constexpr float W = 841.89f, H = 595.28f, M = 36.0f;  // A4 landscape
  detail::Pdf pdf;
  pdf.page(W, H);
  pdf.text(M, H - 45, "Borderò " + m.carrier_name + " (" + m.carrier + ")  -  " + m.date, 16, true);
  const float cols[] = {M, M + 130, M + 230, M + 420, M + 560, M + 610, M + 680};
  const char* names[] = {"Tracking", "Order", "Recipient", "City", "Parcels", "Weight", "COD"};
  float y = H - 75;
  auto header = [&] {
    for (int i = 0; i < 7; ++i) pdf.text(cols[i], y, names[i], 9, true);
    pdf.line(M, y - 4, W - M, y - 4);
    y -= 16;
  };
  header();
  std::int64_t parcels = 0, grams = 0;
  std::map<std::string, std::int64_t> cod;
  for (const auto& r : m.rows) {
    if (y < M + 30) {
      pdf.page(W, H);
      y = H - M;
      header();
    }
    const std::string vals[] = {r.tracking_number, r.order_number, r.recipient,
                                r.postal_code + " " + r.city, std::to_string(r.parcels),
                                detail::kg(r.weight_g),
                                r.cod_amount_minor ? r.cod_currency.value_or("") + " " +
                                                         format_minor(*r.cod_amount_minor)
                                                   : ""};
    for (int i = 0; i < 7; ++i)
      pdf.text(cols[i], y, vals[i], 9, i == 0, (i < 6 ? cols[i + 1] : W - M) - cols[i] - 6);
    parcels += r.parcels;
    grams += r.weight_g;
    if (r.cod_amount_minor) cod[r.cod_currency.value_or("")] += *r.cod_amount_minor;
    y -= 14;
  }
  std::string total = "Shipments " + std::to_string(m.rows.size()) + "   Parcels " +
                      std::to_string(parcels) + "   Weight " + detail::kg(grams);
  for (const auto& [cur, amount] : cod) total += "   COD " + cur + " " + format_minor(amount);
  pdf.line(M, y + 8, W - M, y + 8);
  pdf.text(M, y - 6, total, 10, true);
  return pdf.bytes();
}

}  // namespace fondaco::fulfillment
