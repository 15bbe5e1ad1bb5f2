// The demo shop: "Bottega Fondaco", an Italian seller of apparel, shoes, bags, food and
// books. 50 products with 4 variants each (200 SKUs with valid EAN-13 codes under the
// Italian GS1 prefix 800), prices in a default and a B2B list, three places that hold
// stock (a warehouse with ten bins, a shop in Milan, a returns area), opening stock
// received from suppliers and the channels' location priorities (the web shop and phone
// orders ship from the warehouse bins first and the shop last; the till sells only what is
// in the shop). Deterministic: the same data on every machine.
#include <array>
#include <string>

#include "app.h"
#include "fondaco/base/text.h"
#include "fondaco/workflows/channels.h"

namespace fondaco::app {
namespace {

struct Family {
  std::string_view category;
  std::string_view brand;
  int vat_rate_bp;
  std::string_view option;
  std::array<std::string_view, 4> values;
  std::array<std::string_view, 5> titles;
  std::int64_t base_price_minor;
};

constexpr std::array<Family, 10> kFamilies = {{
    {"T-shirt", "Fondaco Basics", 2200, "size", {"S", "M", "L", "XL"},
     {"T-shirt cotone bio", "T-shirt righe marinière", "T-shirt scollo a V", "T-shirt Vespa vintage",
      "T-shirt lino estiva"}, 1990},
    {"Felpe", "Fondaco Basics", 2200, "size", {"S", "M", "L", "XL"},
     {"Felpa girocollo", "Felpa con cappuccio", "Felpa zip intera", "Felpa college Bologna",
      "Felpa pile montagna"}, 4990},
    {"Scarpe", "Calzaturificio Brenta", 2200, "size", {"39", "40", "41", "42"},
     {"Sneaker pelle bianca", "Mocassino scamosciato", "Stivaletto Chelsea", "Sandalo cuoio",
      "Scarpa da running Leggera"}, 8990},
    {"Borse", "Pelletteria Arno", 2200, "color", {"nero", "cuoio", "blu", "rosso"},
     {"Borsa a tracolla", "Zaino urbano", "Portafoglio uomo", "Shopper in tela",
      "Borsa weekend"}, 5990},
    {"Caffè", "Torrefazione Aurora", 1000, "format", {"250 g", "500 g", "1 kg", "capsule x50"},
     {"Caffè miscela Bar", "Caffè 100% Arabica", "Caffè decaffeinato", "Caffè moka Classico",
      "Caffè espresso Intenso"}, 690},
    {"Olio", "Frantoio Colli", 400, "format", {"250 ml", "500 ml", "750 ml", "3 l"},
     {"Olio EVO Taggiasca", "Olio EVO Coratina", "Olio EVO biologico", "Olio al peperoncino",
      "Olio al tartufo"}, 890},
    {"Pasta", "Pastificio Gragnano", 400, "format", {"500 g", "1 kg", "3 x 500 g", "5 kg"},
     {"Spaghetti trafilati al bronzo", "Paccheri", "Fusilli integrali", "Linguine",
      "Mezze maniche rigate"}, 250},
    {"Libri", "Edizioni Portico", 400, "edition", {"brossura", "rilegato", "tascabile", "da collezione"},
     {"Ricettario della nonna", "Guida ai vini d'Italia", "Storia di Venezia",
      "Manuale del ciclista", "Atlante dei borghi"}, 1800},
    {"Accessori", "Fondaco Basics", 2200, "color", {"nero", "grigio", "verde", "senape"},
     {"Sciarpa lana merino", "Berretto a coste", "Guanti in pelle", "Cintura intrecciata",
      "Calzini cotone (3 paia)"}, 1490},
    {"Casa", "Ceramiche Deruta", 2200, "size", {"piccolo", "medio", "grande", "set"},
     {"Tazza dipinta a mano", "Piatto decorato", "Vaso ceramica", "Ciotola da portata",
      "Brocca maiolica"}, 2490},
}};

std::string ean13(int n) {
  std::string body = "800" + std::string(9 - std::to_string(n).size(), '0') + std::to_string(n);
  return body + gtin_check_digit(body);
}

Result<void> create_locations(Runtime& rt, storage::Tx& tx, std::int64_t now) {
  using inventory::LocationKind;
  FONDACO_TRY(rt.inventory->create_location(
      tx, {"WH-BO", "Magazzino Bologna", LocationKind::warehouse, std::nullopt, 0}, now));
  for (int i = 1; i <= 10; ++i) {
    const std::string code = "WH-BO-A" + std::string(i < 10 ? "0" : "") + std::to_string(i);
    FONDACO_TRY(rt.inventory->create_location(
        tx, {code, "Corsia A, scaffale " + std::to_string(i), LocationKind::bin, "WH-BO", i * 10},
        now));
  }
  FONDACO_TRY(rt.inventory->create_location(
      tx, {"STORE-MI", "Negozio Milano Brera", LocationKind::store, std::nullopt, 0}, now));
  FONDACO_TRY(rt.inventory->create_location(
      tx, {"RETURNS", "Area resi", LocationKind::returns, std::nullopt, 0}, now));
  return ok();
}

Result<void> create_products(Runtime& rt, storage::Tx& tx, std::int64_t now) {
  FONDACO_TRY(rt.catalog->create_price_list(tx, {"b2b", "Rivenditori", "EUR", "retailers"}, now));
  int serial = 1;
  for (std::size_t f = 0; f < kFamilies.size(); ++f) {
    const Family& fam = kFamilies[f];
    for (std::size_t t = 0; t < fam.titles.size(); ++t) {
      catalog::ProductInput p;
      p.title = std::string(fam.titles[t]);
      p.brand = std::string(fam.brand);
      p.category = std::string(fam.category);
      p.status = catalog::ProductStatus::active;
      p.description = std::string(fam.titles[t]) + " di " + std::string(fam.brand) +
                      ". Prodotto selezionato dalla Bottega Fondaco.";
      p.seo_title = p.title + " | Bottega Fondaco";
      const std::int64_t price = fam.base_price_minor + static_cast<std::int64_t>(t) * 200;
      for (std::size_t v = 0; v < fam.values.size(); ++v, ++serial) {
        catalog::VariantInput var;
        var.sku = "BF-" + std::to_string(f + 1) + std::to_string(t + 1) + "-" + std::to_string(v + 1);
        var.gtin = ean13(serial);
        var.options = {{std::string(fam.option), std::string(fam.values[v])}};
        var.weight_g = 200 + static_cast<std::int64_t>(v) * 150;
        const std::int64_t retail = price + static_cast<std::int64_t>(v) * (price / 4);
        var.cost_minor = retail * 45 / 100;
        var.vat_rate_bp = fam.vat_rate_bp;
        var.prices = std::vector<catalog::PriceInput>{
            {"default", retail, 1}, {"b2b", retail * 70 / 100, 1}, {"b2b", retail * 60 / 100, 10}};
        p.variants.push_back(std::move(var));
      }
      FONDACO_TRY(rt.catalog->create(tx, p, now));
    }
  }
  return ok();
}

Result<void> receive_opening_stock(Runtime& rt, storage::Tx& tx, std::int64_t now) {
  int n = 0;
  for (std::size_t f = 0; f < kFamilies.size(); ++f) {
    for (std::size_t t = 0; t < 5; ++t) {
      for (std::size_t v = 0; v < 4; ++v, ++n) {
        const std::string sku =
            "BF-" + std::to_string(f + 1) + std::to_string(t + 1) + "-" + std::to_string(v + 1);
        const std::string bin = "WH-BO-A" + std::string(f + 1 < 10 ? "0" : "") + std::to_string(f + 1);
        // Stock varies so the demo has best sellers, slow movers and a few sold-out SKUs.
        const std::int64_t qty = (n % 17 == 0) ? 0 : 5 + (n * 37) % 60;
        if (qty > 0)
          FONDACO_TRY(rt.inventory->move(tx, {sku, qty, "SUPPLIER", bin, "receipt", "opening stock"}, now));
        if (n % 3 == 0 && qty > 0)
          FONDACO_TRY(rt.inventory->move(tx, {sku, 2 + n % 5, "SUPPLIER", "STORE-MI", "receipt",
                                              "opening stock"}, now));
      }
    }
  }
  return ok();
}

Result<void> set_channel_locations(Runtime& rt, storage::Tx& tx, std::int64_t now) {
  channels::Channels registry(rt.log);
  std::vector<std::string> warehouse_first;
  for (int i = 1; i <= 10; ++i)
    warehouse_first.push_back("WH-BO-A" + std::string(i < 10 ? "0" : "") + std::to_string(i));
  warehouse_first.push_back("STORE-MI");
  for (const char* code : {"storefront", "phone"}) {
    channels::ChannelPatch p;
    p.locations = warehouse_first;
    FONDACO_TRY(workflows::update_channel(tx, registry, *rt.inventory, code, p, now));
  }
  channels::ChannelPatch pos;
  pos.locations = std::vector<std::string>{"STORE-MI"};
  FONDACO_TRY(workflows::update_channel(tx, registry, *rt.inventory, "pos", pos, now));
  return ok();
}

// The demo seller: fiscal data (a partita IVA with a valid check digit, the Bank of Italy's
// example IBAN), so the chain issues invoices and bank-transfer instructions out of the box.
// No gateway secrets: card payments need the seller's own Stripe keys.
Result<void> set_seller(Runtime& rt, storage::Tx& tx, std::int64_t now) {
  invoicing::FiscalSettings f;
  f.company_name = "Bottega Fondaco S.r.l.";
  f.vat_number = "01234567897";
  f.codice_fiscale = "01234567897";
  f.regime_fiscale = "RF01";
  f.address = {"Via dell'Indipendenza 1", "40121", "Bologna", "BO", "IT"};
  f.rea_office = "BO";
  f.rea_number = "123456";
  f.rea_liquidation = "LN";
  f.iban = "IT60X0542811101000000123456";
  f.email = "ordini@bottega.example";
  FONDACO_TRY(rt.invoicing->put_settings(tx, f, now));
  payments::SettingsPatch p;
  p.bank_iban = "IT60X0542811101000000123456";
  p.bank_holder = "Bottega Fondaco S.r.l.";
  FONDACO_TRY(payments::Payments::update_settings(tx, p));
  return ok();
}

}  // namespace

Result<bool> load_demo(Runtime& rt) {
  const std::int64_t now = rt.clock.now_ms();
  return rt.db->write([&](storage::Tx& tx) -> Result<bool> {
    catalog::ProductFilter any;
    any.limit = 1;
    if (!FONDACO_TRY(rt.catalog->list(tx, any)).items.empty()) return false;
    FONDACO_TRY(create_locations(rt, tx, now));
    FONDACO_TRY(create_products(rt, tx, now));
    FONDACO_TRY(receive_opening_stock(rt, tx, now));
    FONDACO_TRY(set_channel_locations(rt, tx, now));
    FONDACO_TRY(set_seller(rt, tx, now));
    return true;
  });
}

}  // namespace fondaco::app
