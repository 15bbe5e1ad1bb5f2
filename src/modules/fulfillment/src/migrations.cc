// The fulfillment tables: carriers (with their tracking-number counters), shipments and
// their lines, pick lists (and one row per location, locked to serialise batching there),
// stored labels. Addresses are kept as JSON text: nothing queries
// inside them, and the label and the manifest read them whole.
#include "fondaco/fulfillment/fulfillment.h"

namespace fondaco::fulfillment {
namespace {

#define FONDACO_FUL_SEED                                                                        \
  "INSERT INTO carriers (code, name, services, active, is_default, tracking_format, "           \
  "tracking_prefix, tracking_url_template, max_parcel_weight_g, counter, updated_at) VALUES\n"  \
  "  ('GLS', 'GLS Italy', 'standard,express', 1, 0, 'numeric', '61', "                          \
  "'https://gls-group.com/IT/it/servizi-online/ricerca-spedizioni?match={tracking}', 40000, 0, " \
  "0),\n"                                                                                       \
  "  ('BRT', 'BRT', 'standard,express', 1, 0, 'numeric', '17', "                                \
  "'https://vas.brt.it/vas/sped_numspe_par.htm?sped_num={tracking}', 50000, 0, 0),\n"           \
  "  ('POSTE', 'Poste Italiane', 'standard,express', 1, 0, 's10', 'CP', "                       \
  "'https://www.poste.it/cerca/index.html#/risultati-spedizioni/{tracking}', 30000, 0, 0),\n"   \
  "  ('GENERIC', 'Generic carrier', 'standard', 1, 1, 'generic', 'FND', NULL, 1000000, 0, "     \
  "0);\n"

constexpr storage::Migration kMigrations[] = {
    {1, "carriers, shipments, shipment lines, pick lists, labels",
     R"(
CREATE TABLE carriers (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  services TEXT NOT NULL,
  active INTEGER NOT NULL CHECK (active IN (0, 1)),
  is_default INTEGER NOT NULL CHECK (is_default IN (0, 1)),
  tracking_format TEXT NOT NULL CHECK (tracking_format IN ('numeric', 's10', 'generic')),
  tracking_prefix TEXT NOT NULL,
  tracking_url_template TEXT,
  max_parcel_weight_g INTEGER NOT NULL CHECK (max_parcel_weight_g > 0),
  counter INTEGER NOT NULL CHECK (counter >= 0),
  updated_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX carriers_default_uq ON carriers (is_default) WHERE is_default = 1;
CREATE TABLE pick_lists (
  id INTEGER PRIMARY KEY,
  location TEXT NOT NULL,
  open INTEGER NOT NULL CHECK (open IN (0, 1)),
  max_shipments INTEGER NOT NULL CHECK (max_shipments > 0),
  shipment_count INTEGER NOT NULL CHECK (shipment_count >= 0 AND shipment_count <= max_shipments),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX pick_lists_open_ix ON pick_lists (location, open, id);
CREATE TABLE pick_list_locations (
  location TEXT PRIMARY KEY,
  additions INTEGER NOT NULL
) STRICT;
CREATE TABLE shipments (
  id INTEGER PRIMARY KEY,
  source_key TEXT NOT NULL,
  order_id INTEGER,
  order_number TEXT NOT NULL,
  location TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'picking', 'packed', 'shipped', 'delivered',
                                         'cancelled', 'exception')),
  ship_to TEXT NOT NULL,
  ship_from TEXT,
  carrier TEXT NOT NULL REFERENCES carriers (code),
  service TEXT NOT NULL,
  cod_amount_minor INTEGER,
  cod_currency TEXT,
  parcels INTEGER NOT NULL CHECK (parcels > 0),
  weight_g INTEGER NOT NULL,
  tracking_number TEXT,
  pick_list_id INTEGER REFERENCES pick_lists (id),
  has_label INTEGER NOT NULL CHECK (has_label IN (0, 1)),
  forced INTEGER NOT NULL CHECK (forced IN (0, 1)),
  shipped_at INTEGER,
  shipped_day TEXT,
  delivered_at INTEGER,
  tracking_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX shipments_source_uq ON shipments (source_key);
CREATE UNIQUE INDEX shipments_tracking_uq ON shipments (tracking_number);
CREATE INDEX shipments_order_ix ON shipments (order_id);
CREATE INDEX shipments_status_ix ON shipments (location, status, id);
CREATE INDEX shipments_manifest_ix ON shipments (carrier, shipped_day);
CREATE INDEX shipments_pick_list_ix ON shipments (pick_list_id);
CREATE TABLE shipment_lines (
  shipment_id INTEGER NOT NULL REFERENCES shipments (id),
  line_no INTEGER NOT NULL,
  sku TEXT NOT NULL,
  gtin TEXT,
  description TEXT NOT NULL,
  qty INTEGER NOT NULL CHECK (qty > 0),
  scanned INTEGER NOT NULL CHECK (scanned >= 0 AND scanned <= qty),
  weight_g INTEGER NOT NULL CHECK (weight_g >= 0),
  bin TEXT,
  pick_seq INTEGER NOT NULL,
  PRIMARY KEY (shipment_id, line_no)
) STRICT;
CREATE TABLE shipment_labels (
  shipment_id INTEGER PRIMARY KEY REFERENCES shipments (id),
  tracking_number TEXT NOT NULL,
  pdf_base64 TEXT NOT NULL,
  zpl TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
)" FONDACO_FUL_SEED,
     R"(
CREATE TABLE carriers (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  services TEXT NOT NULL,
  active BIGINT NOT NULL CHECK (active IN (0, 1)),
  is_default BIGINT NOT NULL CHECK (is_default IN (0, 1)),
  tracking_format TEXT NOT NULL CHECK (tracking_format IN ('numeric', 's10', 'generic')),
  tracking_prefix TEXT NOT NULL,
  tracking_url_template TEXT,
  max_parcel_weight_g BIGINT NOT NULL CHECK (max_parcel_weight_g > 0),
  counter BIGINT NOT NULL CHECK (counter >= 0),
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX carriers_default_uq ON carriers (is_default) WHERE is_default = 1;
CREATE TABLE pick_lists (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  location TEXT NOT NULL,
  open BIGINT NOT NULL CHECK (open IN (0, 1)),
  max_shipments BIGINT NOT NULL CHECK (max_shipments > 0),
  shipment_count BIGINT NOT NULL CHECK (shipment_count >= 0 AND shipment_count <= max_shipments),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX pick_lists_open_ix ON pick_lists (location, open, id);
CREATE TABLE pick_list_locations (
  location TEXT PRIMARY KEY,
  additions BIGINT NOT NULL
);
CREATE TABLE shipments (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  source_key TEXT NOT NULL,
  order_id BIGINT,
  order_number TEXT NOT NULL,
  location TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'picking', 'packed', 'shipped', 'delivered',
                                         'cancelled', 'exception')),
  ship_to TEXT NOT NULL,
  ship_from TEXT,
  carrier TEXT NOT NULL REFERENCES carriers (code),
  service TEXT NOT NULL,
  cod_amount_minor BIGINT,
  cod_currency TEXT,
  parcels BIGINT NOT NULL CHECK (parcels > 0),
  weight_g BIGINT NOT NULL,
  tracking_number TEXT,
  pick_list_id BIGINT REFERENCES pick_lists (id),
  has_label BIGINT NOT NULL CHECK (has_label IN (0, 1)),
  forced BIGINT NOT NULL CHECK (forced IN (0, 1)),
  shipped_at BIGINT,
  shipped_day TEXT,
  delivered_at BIGINT,
  tracking_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX shipments_source_uq ON shipments (source_key);
CREATE UNIQUE INDEX shipments_tracking_uq ON shipments (tracking_number);
CREATE INDEX shipments_order_ix ON shipments (order_id);
CREATE INDEX shipments_status_ix ON shipments (location, status, id);
CREATE INDEX shipments_manifest_ix ON shipments (carrier, shipped_day);
CREATE INDEX shipments_pick_list_ix ON shipments (pick_list_id);
CREATE TABLE shipment_lines (
  shipment_id BIGINT NOT NULL REFERENCES shipments (id),
  line_no BIGINT NOT NULL,
  sku TEXT NOT NULL,
  gtin TEXT,
  description TEXT NOT NULL,
  qty BIGINT NOT NULL CHECK (qty > 0),
  scanned BIGINT NOT NULL CHECK (scanned >= 0 AND scanned <= qty),
  weight_g BIGINT NOT NULL CHECK (weight_g >= 0),
  bin TEXT,
  pick_seq BIGINT NOT NULL,
  PRIMARY KEY (shipment_id, line_no)
);
CREATE TABLE shipment_labels (
  shipment_id BIGINT PRIMARY KEY REFERENCES shipments (id),
  tracking_number TEXT NOT NULL,
  pdf_base64 TEXT NOT NULL,
  zpl TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
)" FONDACO_FUL_SEED},
};

#undef FONDACO_FUL_SEED

}  // namespace

std::span<const storage::Migration> migrations() { return kMigrations; }

}  // namespace fondaco::fulfillment
