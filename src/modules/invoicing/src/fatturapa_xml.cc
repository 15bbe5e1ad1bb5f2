#include "fatturapa_xml.h"

#include <libxml/xmlwriter.h>

#include <memory>

#include "latin.h"

namespace fondaco::invoicing {
namespace {

constexpr const char* kNs = "http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2";

// A thin wrapper that remembers the first libxml2 failure instead of checking every call.
class Writer {
 public:
  Writer() : buf_(xmlBufferCreate()), w_(buf_ ? xmlNewTextWriterMemory(buf_, 0) : nullptr) {
    ok_ = w_ != nullptr;
  }
  ~Writer() {
    if (w_) xmlFreeTextWriter(w_);
    if (buf_) xmlBufferFree(buf_);
  }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  bool ok() const { return buf_ && ok_; }
  void check(int rc) { ok_ = ok_ && rc >= 0; }
  void open(const char* name) { check(xmlTextWriterStartElement(w_, bx(name))); }
  void close() { check(xmlTextWriterEndElement(w_)); }
  void attr(const char* name, const std::string& v) {
    check(xmlTextWriterWriteAttribute(w_, bx(name), bx(v.c_str())));
  }
  void el(const char* name, const std::string& text) {
    check(xmlTextWriterWriteElement(w_, bx(name), bx(text.c_str())));
  }
  xmlTextWriterPtr raw() { return w_; }
  std::string finish() {
    check(xmlTextWriterEndDocument(w_));
    xmlFreeTextWriter(w_);
    w_ = nullptr;
    return std::string(reinterpret_cast<const char*>(xmlBufferContent(buf_)),
                       static_cast<std::size_t>(xmlBufferLength(buf_)));
  }

 private:
  static const xmlChar* bx(const char* s) { return reinterpret_cast<const xmlChar*>(s); }
  xmlBufferPtr buf_;
  xmlTextWriterPtr w_;
  bool ok_ = true;
};

std::string money(std::int64_t minor) { return format_decimal(minor, 2); }
std::string rate(int bp) { return format_decimal(bp, 2); }
bool is_foreign(const Address& a) { return a.country != "IT"; }

void write_address(Writer& w, const Address& a) {
  w.open("Sede");
  w.el("Indirizzo", latin_text(a.street, 60));
  // Abroad the CAP field carries 00000 (the foreign postcode goes into the city).
  w.el("CAP", is_foreign(a) ? "00000" : a.postcode);
  w.el("Comune", latin_text(is_foreign(a) && !a.postcode.empty() ? a.postcode + " " + a.city
                                                                  : a.city, 60));
  if (!is_foreign(a) && !a.province.empty()) w.el("Provincia", a.province);
  w.el("Nazione", a.country);
  w.close();
}

void write_id(Writer& w, const std::string& country, const std::string& code) {
  w.open("IdFiscaleIVA");
  w.el("IdPaese", country);
  w.el("IdCodice", code);
  w.close();
}

void write_transmission(Writer& w, const XmlInput& x, bool pa) {
  const Customer& c = x.in.customer;
  w.open("DatiTrasmissione");
  w.open("IdTrasmittente");
  w.el("IdPaese", "IT");
  w.el("IdCodice", x.seller.vat_number);
  w.close();
  w.el("ProgressivoInvio", x.progressive);
  w.el("FormatoTrasmissione", pa ? "FPA12" : "FPR12");
  // Foreign customers are reached through the esterometro code XXXXXXX.
  std::string code = is_foreign(c.address) ? "XXXXXXX" : c.sdi_code.value_or("0000000");
  w.el("CodiceDestinatario", code);
  if (!pa && code == "0000000" && c.pec) w.el("PECDestinatario", *c.pec);
  w.close();
}

void write_seller(Writer& w, const FiscalSettings& s) {
  w.open("CedentePrestatore");
  w.open("DatiAnagrafici");
  write_id(w, "IT", s.vat_number);
  if (!s.codice_fiscale.empty()) w.el("CodiceFiscale", s.codice_fiscale);
  w.open("Anagrafica");
  w.el("Denominazione", latin_text(s.company_name, 80));
  w.close();
  w.el("RegimeFiscale", s.regime_fiscale);
  w.close();
  write_address(w, s.address);
  if (s.rea_office && s.rea_number) {
    w.open("IscrizioneREA");
    w.el("Ufficio", *s.rea_office);
    w.el("NumeroREA", latin_text(*s.rea_number, 20));
    w.el("StatoLiquidazione", s.rea_liquidation.value_or("LN"));
    w.close();
  }
  if (s.email) {
    w.open("Contatti");
    w.el("Email", *s.email);
    w.close();
  }
  w.close();
}

void write_name(Writer& w, const Customer& c) {
  w.open("Anagrafica");
  const std::string name = latin_text(c.name, 120);
  const auto space = name.find(' ');
  if (c.company_name || space == std::string::npos) {
    w.el("Denominazione", latin_text(c.company_name.value_or(c.name), 80));
  } else {
    w.el("Nome", latin_text(name.substr(0, space), 60));
    w.el("Cognome", latin_text(name.substr(space + 1), 60));
  }
  w.close();
}

void write_customer(Writer& w, const Customer& c) {
  w.open("CessionarioCommittente");
  w.open("DatiAnagrafici");
  const std::string country = c.vat_country.value_or(c.address.country);
  if (c.vat_number) {
    write_id(w, country, *c.vat_number);
  } else if (country != "IT") {
    write_id(w, country, "99999999999");  // a foreign private customer has no VAT number
  }
  if (c.codice_fiscale && country == "IT") w.el("CodiceFiscale", *c.codice_fiscale);
  write_name(w, c);
  w.close();
  write_address(w, c.address);
  w.close();
}

void write_causale(Writer& w, const std::string& causale) {
  if (causale.empty()) return;
  std::string text = latin_text(causale, 2000);
  while (!text.empty()) {  // Causale is String200LatinType, repeated
    std::size_t cut = 0, chars = 0;
    while (cut < text.size() && chars < 200) {
      cut += (static_cast<unsigned char>(text[cut]) < 0x80) ? 1 : 2;
      ++chars;
    }
    w.el("Causale", text.substr(0, cut));
    text.erase(0, cut);
  }
}

void write_general(Writer& w, const XmlInput& x) {
  w.open("DatiGenerali");
  w.open("DatiGeneraliDocumento");
  w.el("TipoDocumento", x.tipo_documento);
  w.el("Divisa", x.in.currency);
  w.el("Data", x.date);
  w.el("Numero", x.number);
  if (x.amounts.stamp_duty) {
    w.open("DatiBollo");
    w.el("BolloVirtuale", "SI");
    w.el("ImportoBollo", money(kBolloAmountMinor));
    w.close();
  }
  w.el("ImportoTotaleDocumento", money(x.amounts.total_minor));
  write_causale(w, x.in.causale);
  w.close();
  if (x.related) {
    w.open("DatiFattureCollegate");
    w.el("IdDocumento", x.related->number);
    w.el("Data", x.related->date);
    w.close();
  }
  w.close();
}

void write_lines(Writer& w, const Computed& a) {
  w.open("DatiBeniServizi");
  for (const auto& l : a.lines) {
    w.open("DettaglioLinee");
    w.el("NumeroLinea", std::to_string(l.number));
    if (!l.sku.empty()) {
      w.open("CodiceArticolo");
      w.el("CodiceTipo", "SKU");
      w.el("CodiceValore", latin_text(l.sku, 35));
      w.close();
    }
    w.el("Descrizione", latin_text(l.description, 1000));
    w.el("Quantita", std::to_string(l.qty) + ".00");
    w.el("PrezzoUnitario", format_decimal(l.unit_price_e8, 8));
    w.el("PrezzoTotale", money(l.net_minor));
    w.el("AliquotaIVA", rate(l.rate_bp));
    if (l.natura) w.el("Natura", *l.natura);
    w.close();
  }
  for (const auto& s : a.summary) {
    w.open("DatiRiepilogo");
    w.el("AliquotaIVA", rate(s.rate_bp));
    if (s.natura) w.el("Natura", *s.natura);
    w.el("ImponibileImporto", money(s.taxable_minor));
    w.el("Imposta", money(s.vat_minor));
    if (!s.natura) w.el("EsigibilitaIVA", "I");
    w.close();
  }
  w.close();
}

void write_payment(Writer& w, const XmlInput& x) {
  if (!x.in.payment) return;
  const PaymentInput& p = *x.in.payment;
  w.open("DatiPagamento");
  w.el("CondizioniPagamento", "TP02");  // paid in full
  w.open("DettaglioPagamento");
  w.el("ModalitaPagamento", std::string(modalita_pagamento(p.method)));
  w.el("ImportoPagamento", money(p.paid_minor));
  if (p.method == PaymentMethod::bank_transfer && x.seller.iban) w.el("IBAN", *x.seller.iban);
  w.close();
  w.close();
}

}  // namespace

Result<std::string> render_fatturapa(const XmlInput& x) {
  const bool pa = x.in.customer.public_administration;
  Writer w;
  if (!w.ok()) return fail(ErrorCode::internal, "libxml2: cannot create a writer");
  w.check(xmlTextWriterStartDocument(w.raw(), "1.0", "UTF-8", nullptr));
  w.check(xmlTextWriterStartElementNS(w.raw(), reinterpret_cast<const xmlChar*>("p"),
                                      reinterpret_cast<const xmlChar*>("FatturaElettronica"),
                                      reinterpret_cast<const xmlChar*>(kNs)));
  w.attr("versione", pa ? "FPA12" : "FPR12");
  w.attr("xmlns:ds", "http://www.w3.org/2000/09/xmldsig#");
  w.open("FatturaElettronicaHeader");
  write_transmission(w, x, pa);
  write_seller(w, x.seller);
  write_customer(w, x.in.customer);
  w.close();
  w.open("FatturaElettronicaBody");
  write_general(w, x);
  write_lines(w, x.amounts);
  write_payment(w, x);
  w.close();
  w.close();
  std::string out = w.finish();
  if (!w.ok()) return fail(ErrorCode::internal, "libxml2 failed to write the FatturaPA file");
  return out;
}

}  // namespace fondaco::invoicing
