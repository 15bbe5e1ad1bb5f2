// The PDF courtesy copy of a fiscal document (libharu, built-in Helvetica with
// WinAnsiEncoding: text is converted to Windows-1252, see latin.h). Rendered once at issue
// time and stored, as documents never change. The legal document of an invoice is the
// FatturaPA XML; the PDF says so ("copia di cortesia").
// Thread-safety: pure function (one HPDF_Doc per call).
#pragma once

#include <optional>
#include <string>

#include "fatturapa_xml.h"
#include "fondaco/base/result.h"
#include "fondaco/invoicing/fatturapa.h"
#include "fondaco/invoicing/invoicing.h"

namespace fondaco::invoicing {

struct PdfInput {
  const FiscalSettings& seller;
  const DocumentInput& in;
  const Computed& amounts;
  std::string title;  // "Fattura", "Ricevuta", "Nota di credito"
  std::string number;
  std::string date;
  std::optional<RelatedDoc> related;
};

Result<std::string> render_pdf(const PdfInput& p);

}  // namespace fondaco::invoicing
