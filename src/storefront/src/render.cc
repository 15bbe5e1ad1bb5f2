#include "render.h"

#include <stdexcept>

#include "fondaco/notifications/notifications.h"
#include "form.h"

namespace fondaco::storefront {
namespace {

struct Text {
  const char* key;
  const char* it;
  const char* en;
};

constexpr Text kTexts[] = {
    {"shop_name", "Fondaco", "Fondaco"},
    {"skip", "Vai al contenuto", "Skip to content"},
    {"search", "Cerca", "Search"},
    {"menu", "Menu principale", "Main menu"},
    {"cart", "Carrello", "Cart"},
    {"my_order", "Il mio ordine", "My order"},
    {"footer", "Prezzi IVA inclusa.", "Prices include VAT."},
    {"home", "Pagina iniziale", "Home"},
    {"new_products", "Novità", "New arrivals"},
    {"no_products", "Nessun prodotto.", "No products."},
    {"search_results", "Risultati per", "Results for"},
    {"no_results", "Nessun risultato.", "No results."},
    {"choose_variant", "Scegli la variante", "Choose a variant"},
    {"quantity", "Quantità", "Quantity"},
    {"add_to_cart", "Aggiungi al carrello", "Add to cart"},
    {"sku", "Codice", "SKU"},
    {"in_stock", "Disponibile", "In stock"},
    {"few_left", "Ultimi pezzi disponibili", "Only a few left"},
    {"out_of_stock", "Esaurito", "Out of stock"},
    {"not_for_sale", "Non in vendita", "Not for sale"},
    {"cart_caption", "Articoli nel carrello", "Items in your cart"},
    {"product", "Prodotto", "Product"},
    {"unit_price", "Prezzo", "Price"},
    {"line_total", "Totale riga", "Line total"},
    {"update", "Aggiorna", "Update"},
    {"remove", "Rimuovi", "Remove"},
    {"subtotal", "Subtotale", "Subtotal"},
    {"checkout", "Cassa", "Checkout"},
    {"cart_empty", "Il carrello è vuoto.", "Your cart is empty."},
    {"held_until", "Gli articoli sono riservati per te fino alle", "Items are held for you until"},
    {"added", "Aggiunto al carrello.", "Added to your cart."},
    {"short_stock", "Quantità non disponibile.", "That quantity is not available."},
    {"cart_gone", "Il carrello è scaduto: aggiungi di nuovo gli articoli.",
     "Your cart expired: please add the items again."},
    {"to_pay_items", "Articoli", "Items"},
    {"contact", "Contatti", "Contact"},
    {"email", "E-mail", "E-mail"},
    {"full_name", "Nome e cognome", "Full name"},
    {"phone", "Telefono (facoltativo)", "Phone (optional)"},
    {"shipping_address", "Indirizzo di spedizione", "Shipping address"},
    {"address_line1", "Indirizzo", "Address"},
    {"address_line2", "Presso, scala, interno (facoltativo)", "Apartment, suite (optional)"},
    {"city", "Città", "City"},
    {"postal_code", "CAP", "Postal code"},
    {"province", "Provincia (sigla)", "Province (code)"},
    {"country", "Paese (codice ISO, es. IT)", "Country (ISO code, e.g. IT)"},
    {"shipping_method", "Spedizione", "Shipping"},
    {"payment", "Pagamento", "Payment"},
    {"pay_bank_transfer", "Bonifico bancario", "Bank transfer"},
    {"pay_cod", "Contrassegno", "Cash on delivery"},
    {"pay_card", "Carta di credito (modalità di prova)", "Credit card (test mode)"},
    {"test_mode", "MODALITÀ DI PROVA:", "TEST MODE:"},
    {"test_mode_hint",
     "nessun addebito reale. Carta 4242 4242 4242 4242 accettata, 4000 0000 0000 0002 rifiutata.",
     "no real charge. Card 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined."},
    {"card_number", "Numero della carta", "Card number"},
    {"place_order", "Conferma l'ordine", "Place order"},
    {"required", "Campo obbligatorio.", "Required."},
    {"invalid_email", "Indirizzo e-mail non valido.", "Not a valid e-mail address."},
    {"invalid_country", "Usa il codice a due lettere (IT).", "Use the two-letter code (IT)."},
    {"invalid_postal_code", "CAP non valido (5 cifre).", "Not a valid postal code (5 digits)."},
    {"too_long", "Testo troppo lungo.", "Too long."},
    {"invalid_value", "Valore non valido.", "Not a valid value."},
    {"choose_one", "Scegli un'opzione.", "Choose one."},
    {"card_declined", "Carta rifiutata (modalità di prova).", "Card declined (test mode)."},
    {"card_unknown", "In modalità di prova usa una carta di prova.",
     "In test mode use a test card."},
    {"order", "Ordine", "Order"},
    {"thank_you", "Grazie! Abbiamo ricevuto il tuo ordine.", "Thank you! We received your order."},
    {"status", "Stato", "Status"},
    {"total", "Totale", "Total"},
    {"bank_transfer", "Istruzioni per il bonifico", "Bank transfer instructions"},
    {"bank_instructions", "Esegui il bonifico indicando il numero d'ordine nella causale.",
     "Please make the transfer quoting the order number as the reference."},
    {"holder", "Intestatario", "Account holder"},
    {"reason", "Causale", "Reference"},
    {"amount", "Importo", "Amount"},
    {"items", "Articoli", "Items"},
    {"find_order", "Trova il tuo ordine", "Find your order"},
    {"order_number", "Numero d'ordine", "Order number"},
    {"find", "Trova", "Find"},
    {"lookup_failed", "Nessun ordine con questo numero e questa e-mail.",
     "No order with this number and e-mail."},
    {"not_found", "Pagina non trovata", "Page not found"},
    {"not_found_hint", "La pagina che cerchi non esiste o non è più disponibile.",
     "The page you are looking for does not exist or is no longer available."},
    {"session_expired", "Il modulo è scaduto: riprova.", "The form expired: please try again."},
    {"account", "Il mio account", "My account"},
    {"sign_in_hint", "Inserisci la tua e-mail: ti mandiamo un link per accedere, senza password.",
     "Enter your e-mail: we send you a link to sign in, no password needed."},
    {"send_link", "Mandami il link", "Send me the link"},
    {"check_email",
     "Controlla la tua e-mail: se l'indirizzo è giusto, troverai un link per accedere (vale 15 "
     "minuti, una volta sola).",
     "Check your e-mail: if the address is right, you will find a sign-in link there (valid "
     "for 15 minutes, once)."},
    {"link_invalid", "Il link di accesso non è valido o è scaduto: chiedine uno nuovo.",
     "The sign-in link is not valid or has expired: please ask for a new one."},
    {"signed_in_as", "Hai effettuato l'accesso come", "Signed in as"},
    {"sign_out", "Esci", "Sign out"},
    {"your_orders", "I tuoi ordini", "Your orders"},
    {"no_orders", "Non hai ancora ordini.", "You have no orders yet."},
    {"date", "Data", "Date"},
    {"tracking", "Spedizione", "Tracking"},
    {"st_pending_payment", "In attesa di pagamento", "Awaiting payment"},
    {"st_confirmed", "Confermato", "Confirmed"},
    {"st_paid", "Pagato", "Paid"},
    {"st_fulfilling", "In preparazione", "Being prepared"},
    {"st_partially_shipped", "Spedito in parte", "Partially shipped"},
    {"st_shipped", "Spedito", "Shipped"},
    {"st_delivered", "Consegnato", "Delivered"},
    {"st_completed", "Completato", "Completed"},
    {"st_on_hold", "In sospeso", "On hold"},
    {"st_cancelled", "Annullato", "Cancelled"},
    {"ps_unpaid", "Da pagare", "Unpaid"},
    {"ps_paid", "Pagato", "Paid"},
    {"ps_refunded", "Rimborsato", "Refunded"},
    {"ps_partially_refunded", "Rimborsato in parte", "Partially refunded"},
    {"lookup_throttled", "Troppi tentativi: riprova tra 15 minuti.",
     "Too many attempts: please try again in 15 minutes."},
    {"documents", "Documenti", "Documents"},
    {"doc_invoice", "Fattura", "Invoice"},
    {"doc_receipt", "Ricevuta", "Receipt"},
    {"doc_credit_note", "Nota di credito", "Credit note"},
};

mu::data translations(Lang lang) {
  mu::data t;
  for (const auto& x : kTexts) t.set(x.key, lang == Lang::it ? x.it : x.en);
  return t;
}

}  // namespace

std::string_view lang_code(Lang l) { return l == Lang::it ? "it" : "en"; }

Renderer::Renderer() {
  for (Template t : kAllTemplates) {
    mu::mustache m{std::string(template_text(t))};
    if (!m.is_valid()) throw std::logic_error("storefront template: " + m.error_message());
    templates_.push_back(std::move(m));
  }
  texts_[0] = translations(Lang::it);
  texts_[1] = translations(Lang::en);
  for (const auto& x : kTexts) {
    strings_[0].emplace(x.key, x.it);
    strings_[1].emplace(x.key, x.en);
  }
}

const std::string& Renderer::text(Lang lang, std::string_view key) const {
  const auto& m = strings_[lang == Lang::it ? 0 : 1];
  const auto it = m.find(key);
  if (it == m.end()) throw std::logic_error("storefront text missing: " + std::string(key));
  return it->second;
}

std::string Renderer::money(Lang lang, std::int64_t minor, std::string_view currency) const {
  return notifications::format_money(
      minor, currency, lang == Lang::it ? notifications::Locale::it : notifications::Locale::en);
}

mu::data Renderer::chrome(Lang lang, const PageMeta& meta, const Listing& listing,
                          const std::string& base_url) const {
  mu::data d;
  const std::string code(lang_code(lang));
  const std::string other = lang == Lang::it ? "en" : "it";
  d.set("lang", code);
  d.set("t", texts_[lang == Lang::it ? 0 : 1]);
  d.set("title", meta.title);
  if (!meta.description.empty()) d.set("description", meta.description);
  if (meta.script) d.set("script", true);
  // The same page in the other language: the path after "/it" or "/en".
  const std::string rest = meta.path.size() >= 3 ? meta.path.substr(3) : "/";
  if (meta.canonical) {
    d.set("canonical", base_url + meta.path);
    mu::data alts{mu::data::type::list};
    for (const char* l : {"it", "en"}) {
      mu::data a;
      a.set("hreflang", l);
      a.set("href", base_url + "/" + l + rest);
      alts.push_back(a);
    }
    d.set("alternates", alts);
  }
  if (meta.noindex) d.set("noindex", true);
  d.set("query", meta.query);
  if (!meta.notice.empty()) d.set("notice", meta.notice);
  if (!meta.error.empty()) d.set("error", meta.error);
  if (meta.cart_count > 0) d.set("cart_count", std::to_string(meta.cart_count));
  d.set("other_lang", other);
  d.set("other_lang_name", other == "it" ? "Italiano" : "English");
  d.set("other_lang_href", "/" + other + (meta.canonical ? rest : "/"));
  mu::data cats{mu::data::type::list};
  for (const auto& c : listing.categories) {
    mu::data x;
    x.set("slug", c.slug);
    x.set("name", c.name);
    cats.push_back(x);
  }
  d.set("categories", cats);
  return d;
}

std::string Renderer::page(Lang lang, const PageMeta& meta, Template body, mu::data body_data,
                           const Listing& listing, const std::string& base_url) const {
  mu::data d = chrome(lang, meta, listing, base_url);
  std::string out = templates_[static_cast<int>(Template::head)].render(d);
  if (!meta.jsonld.empty())
    out += "<script type=\"application/ld+json\">" + script_safe_json(meta.jsonld) + "</script>\n";
  out += templates_[static_cast<int>(Template::top)].render(d);
  body_data.set("lang", std::string(lang_code(lang)));
  body_data.set("t", texts_[lang == Lang::it ? 0 : 1]);
  out += templates_[static_cast<int>(body)].render(body_data);
  out += templates_[static_cast<int>(Template::bottom)].render(d);
  return out;
}

}  // namespace fondaco::storefront
