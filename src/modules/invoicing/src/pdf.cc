#include "pdf.h"

#include <hpdf.h>

#include <memory>
#include <vector>

#include "latin.h"

namespace fondaco::invoicing {
namespace {

void on_error(HPDF_STATUS, HPDF_STATUS, void* user) { *static_cast<bool*>(user) = true; }

struct DocFree {
  void operator()(HPDF_Doc d) const { HPDF_Free(d); }
};

constexpr float kLeft = 50, kTop = 800, kBottom = 60, kLine = 14;

// Writes text top to bottom, starting a new A4 page when the current one is full.
class Pages {
 public:
  Pages(HPDF_Doc doc, HPDF_Font font, HPDF_Font bold) : doc_(doc), font_(font), bold_(bold) {
    new_page();
  }
  void text(float x, const std::string& utf8, bool strong = false, float size = 9) {
    HPDF_Page_BeginText(page_);
    HPDF_Page_SetFontAndSize(page_, strong ? bold_ : font_, size);
    HPDF_Page_TextOut(page_, x, y_, to_cp1252(utf8).c_str());
    HPDF_Page_EndText(page_);
  }
  void right(float x_right, const std::string& s, bool strong = false) {
    HPDF_Page_SetFontAndSize(page_, strong ? bold_ : font_, 9);
    const float w = HPDF_Page_TextWidth(page_, to_cp1252(s).c_str());
    text(x_right - w, s, strong);
  }
  void next(float lines = 1) {
    y_ -= kLine * lines;
    if (y_ < kBottom) new_page();
  }

 private:
  void new_page() {
    page_ = HPDF_AddPage(doc_);
    HPDF_Page_SetSize(page_, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    y_ = kTop;
  }
  HPDF_Doc doc_;
  HPDF_Font font_, bold_;
  HPDF_Page page_ = nullptr;
  float y_ = kTop;
};

std::string money(std::int64_t minor, const std::string& currency) {
  return format_decimal(minor, 2) + " " + currency;
}

std::string clip(const std::string& s, std::size_t n) { return latin_text(s, n); }

void header(Pages& pg, const PdfInput& p) {
  const FiscalSettings& s = p.seller;
  pg.text(kLeft, s.company_name, true, 14);
  pg.next(1.4);
  pg.text(kLeft, s.address.street + ", " + s.address.postcode + " " + s.address.city +
                     (s.address.province.empty() ? "" : " (" + s.address.province + ")"));
  pg.next();
  pg.text(kLeft, "P.IVA IT" + s.vat_number + "  C.F. " + s.codice_fiscale);
  pg.next(2);
  pg.text(kLeft, p.title + " n. " + p.number + " del " + p.date, true, 12);
  pg.next(1.4);
  if (p.related) {
    pg.text(kLeft, "Rettifica il documento n. " + p.related->number + " del " + p.related->date);
    pg.next();
  }
  if (!p.in.order_number.empty()) {
    pg.text(kLeft, "Ordine " + p.in.order_number);
    pg.next();
  }
  const Customer& c = p.in.customer;
  pg.next();
  pg.text(kLeft, "Cliente", true);
  pg.next();
  pg.text(kLeft, clip(c.company_name.value_or(c.name), 80));
  pg.next();
  pg.text(kLeft, clip(c.address.street + ", " + c.address.postcode + " " + c.address.city + " " +
                          c.address.country, 100));
  pg.next();
  if (c.vat_number) pg.text(kLeft, "P.IVA " + c.vat_country.value_or(c.address.country) + *c.vat_number);
  if (c.codice_fiscale) pg.text(kLeft + 200, "C.F. " + *c.codice_fiscale);
  pg.next(2);
}

void lines(Pages& pg, const PdfInput& p) {
  const std::string& cur = p.in.currency;
  pg.text(kLeft, "Descrizione", true);
  pg.right(360, "Q.ta", true);
  pg.right(440, "Imponibile", true);
  pg.right(545, "IVA", true);
  pg.next();
  for (const auto& l : p.amounts.lines) {
    pg.text(kLeft, clip(l.description, 55));
    pg.right(360, std::to_string(l.qty));
    pg.right(440, money(l.net_minor, cur));
    pg.right(545, l.natura ? *l.natura : format_decimal(l.rate_bp, 2) + "%");
    pg.next();
  }
  pg.next();
  pg.text(kLeft, "Riepilogo IVA", true);
  pg.next();
  for (const auto& s : p.amounts.summary) {
    pg.text(kLeft, s.natura ? "Natura " + *s.natura : "Aliquota " + format_decimal(s.rate_bp, 2) + "%");
    pg.right(440, money(s.taxable_minor, cur));
    pg.right(545, money(s.vat_minor, cur));
    pg.next();
  }
}

void totals(Pages& pg, const PdfInput& p) {
  const std::string& cur = p.in.currency;
  pg.next();
  pg.text(kLeft, "Imponibile");
  pg.right(545, money(p.amounts.taxable_minor, cur));
  pg.next();
  pg.text(kLeft, "IVA");
  pg.right(545, money(p.amounts.vat_minor, cur));
  pg.next();
  pg.text(kLeft, "Totale documento", true);
  pg.right(545, money(p.amounts.total_minor, cur), true);
  pg.next();
  if (p.amounts.stamp_duty) {
    pg.text(kLeft, "Imposta di bollo assolta in modo virtuale: 2,00 EUR");
    pg.next();
  }
  if (!p.in.causale.empty()) {
    pg.text(kLeft, clip(p.in.causale, 100));
    pg.next();
  }
  pg.next();
  pg.text(kLeft, p.title == "Ricevuta"
                     ? "Documento commerciale: non e' una fattura."
                     : "Copia di cortesia: il documento fiscale e' la fattura elettronica "
                       "trasmessa tramite SdI.");
}

}  // namespace

Result<std::string> render_pdf(const PdfInput& p) {
  bool failed = false;
  std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, DocFree> doc(HPDF_New(on_error, &failed));
  if (!doc) return fail(ErrorCode::internal, "libharu: cannot create a document");
  HPDF_SetCompressionMode(doc.get(), HPDF_COMP_ALL);
  HPDF_Font font = HPDF_GetFont(doc.get(), "Helvetica", "WinAnsiEncoding");
  HPDF_Font bold = HPDF_GetFont(doc.get(), "Helvetica-Bold", "WinAnsiEncoding");
  Pages pg(doc.get(), font, bold);
  header(pg, p);
  lines(pg, p);
  totals(pg, p);
  if (failed || HPDF_SaveToStream(doc.get()) != HPDF_OK)
    return fail(ErrorCode::internal, "libharu failed to render the PDF");
  std::string out(HPDF_GetStreamSize(doc.get()), '\0');
  HPDF_UINT32 size = static_cast<HPDF_UINT32>(out.size());
  if (HPDF_ReadFromStream(doc.get(), reinterpret_cast<HPDF_BYTE*>(out.data()), &size) != HPDF_OK &&
      size == 0)
    return fail(ErrorCode::internal, "libharu failed to read the PDF back");
  out.resize(size);
  return out;
}

}  // namespace fondaco::invoicing
