// Generation of the FatturaPA 1.2.2 XML (FPR12 for businesses and private customers, FPA12
// for public administrations) with libxml2's xmlTextWriter. Free text is reduced to the
// schema's Latin-1 types and lengths (latin.h). The caller has validated the seller, the
// customer and the lines; the output is checked by check_fatturapa before it is stored.
// Thread-safety: pure function.
#pragma once

#include <optional>
#include <string>

#include "fondaco/base/result.h"
#include "fondaco/invoicing/fatturapa.h"
#include "fondaco/invoicing/invoicing.h"

namespace fondaco::invoicing {

struct RelatedDoc {
  std::string number;
  std::string date;  // YYYY-MM-DD
};

struct XmlInput {
  const FiscalSettings& seller;
  const DocumentInput& in;
  const Computed& amounts;
  std::string tipo_documento;  // TD01, TD04
  std::string number;
  std::string date;  // YYYY-MM-DD
  std::string progressive;
  std::optional<RelatedDoc> related;
};

Result<std::string> render_fatturapa(const XmlInput& x);

}  // namespace fondaco::invoicing
