// fondaco: the one binary. Subcommands: serve, migrate, demo, token create, version.
// Configuration precedence: command-line flags, then FONDACO_* environment variables, then
// defaults (sqlite:fondaco-data/fondaco.db, 127.0.0.1:8080).
#include <CLI/CLI.hpp>
#include <iostream>

#include "app.h"
#include "fondaco/platform/system.h"

int main(int argc, char** argv) {
  using fondaco::app::Config;
  CLI::App cli{"Fondaco: one server for catalog, stock, orders, invoices and shipments"};
  cli.require_subcommand(1);
  Config config;
  config.db_url = fondaco::app::default_db_url();
  auto add_db = [&](CLI::App* cmd) {
    cmd->add_option("--db", config.db_url, "sqlite:PATH or postgresql://user@host:port/db")
        ->envname("FONDACO_DB")
        ->capture_default_str();
  };
  auto add_log = [&](CLI::App* cmd) {
    cmd->add_option("--log-level", config.log_level, "debug, info, warn or error")
        ->envname("FONDACO_LOG_LEVEL")
        ->check(CLI::IsMember({"debug", "info", "warn", "error"}))
        ->capture_default_str();
  };

  auto* serve = cli.add_subcommand("serve", "Run the HTTP server (migrates first)");
  add_db(serve);
  add_log(serve);
  serve->add_option("--listen", config.listen, "HOST:PORT to listen on")
      ->envname("FONDACO_LISTEN")
      ->capture_default_str();
  serve->add_option("--threads", config.threads, "HTTP request threads (0 = 32 per core)")
      ->envname("FONDACO_THREADS")
      ->check(CLI::Range(0, 256));
  serve->add_option("--cart-ttl", config.cart_ttl_seconds,
                    "Seconds a cart holds stock when its request names no TTL")
      ->envname("FONDACO_CART_TTL")
      ->capture_default_str()
      ->check(CLI::Range(fondaco::limits::kMinCartTtlSeconds, fondaco::limits::kMaxCartTtlSeconds));
  serve->add_option("--smtp-url", config.smtp.url,
                    "SMTP server for customer e-mails (smtp://host:port, smtps://host:port); "
                    "without it e-mails stay queued")
      ->envname("FONDACO_SMTP_URL");
  serve->add_option("--smtp-from", config.smtp.from, "Sender address of customer e-mails")
      ->envname("FONDACO_SMTP_FROM");
  serve->add_option("--smtp-from-name", config.smtp.from_name, "Sender name")
      ->envname("FONDACO_SMTP_FROM_NAME")
      ->capture_default_str();
  serve->add_option("--smtp-user", config.smtp.username, "SMTP user name")
      ->envname("FONDACO_SMTP_USER");
  serve->add_option("--smtp-password", config.smtp.password,
                    "SMTP password (prefer the environment variable)")
      ->envname("FONDACO_SMTP_PASSWORD");
  serve->add_flag("--smtp-starttls", config.smtp.starttls, "Require STARTTLS on smtp://")
      ->envname("FONDACO_SMTP_STARTTLS");
  serve->add_option("--shop-url", config.shop_url,
                    "The shop's public origin, e.g. https://shop.example (links in e-mails)")
      ->envname("FONDACO_SHOP_URL");
  serve->add_option("--web-dir", config.web_dir,
                    "Folder of the built admin console (default: FONDACO_WEB_DIR or the build's)");
  serve->add_flag("--demo", config.demo,
                  "Load the demo shop into an empty database and print an admin token");

  auto* migrate = cli.add_subcommand("migrate", "Apply database migrations and exit");
  add_db(migrate);
  add_log(migrate);
  auto* demo = cli.add_subcommand("demo", "Load the demo shop (if the catalog is empty)");
  add_db(demo);
  add_log(demo);

  // ---- cli users ----
  auto* user = cli.add_subcommand("user", "Manage web console users");
  user->require_subcommand(1);
  auto* user_create = user->add_subcommand(
      "create", "Create a console user; the password is read from stdin or a prompt");
  fondaco::app::UserCreateOptions user_options;
  user_create->add_option("--email", user_options.email, "Login e-mail (unique)")->required();
  user_create->add_option("--role", user_options.role,
                          "admin, manager, marketing, purchasing, logistics, customer_care, "
                          "accounting or integration")
      ->required();
  user_create->add_option("--name", user_options.name, "Display name");
  user_create->add_option("--locale", user_options.locale, "Console language")
      ->check(CLI::IsMember({"it", "en"}))
      ->capture_default_str();
  user_create->add_flag("--password-stdin", user_options.password_stdin,
                        "Read the password from the first line of stdin");
  add_db(user_create);
  add_log(user_create);
  // Runs when parsing is complete; CLI11_PARSE turns the RuntimeError into the exit code.
  user_create->final_callback([&] {
    fondaco::platform::init_logging(config.log_level);
    throw CLI::RuntimeError(fondaco::app::run_user_create(config, user_options));
  });
  // ---- end cli users ----
  // ---- cli imports ----
  fondaco::app::ImportProductsOptions import_options;
  auto add_file_format = [&](CLI::App* cmd) {
    cmd->add_option("--format", import_options.format, "shopify or woocommerce")
        ->required()
        ->check(CLI::IsMember({"shopify", "woocommerce"}));
    cmd->add_option("--price-list", import_options.price_list, "Price list of the selling price")
        ->capture_default_str();
    cmd->add_option("--compare-at-price-list", import_options.compare_at_price_list,
                    "Price list for compare-at (Shopify) / regular (WooCommerce) prices; "
                    "not stored when absent");
    add_db(cmd);
    add_log(cmd);
  };
  auto* import_cmd = cli.add_subcommand("import", "Import files");
  import_cmd->require_subcommand(1);
  auto* import_products = import_cmd->add_subcommand(
      "products",
      "Import a Shopify or WooCommerce product CSV; prints the report as JSON. Exit status: "
      "0 all applied, 2 some rows refused (listed in the report), 1 the import failed");
  import_products->add_option("FILE", import_options.file, "The CSV file")
      ->required()
      ->check(CLI::ExistingFile);
  add_file_format(import_products);
  import_products->final_callback([&] {
    fondaco::platform::init_logging(config.log_level);
    throw CLI::RuntimeError(fondaco::app::run_import_products(config, import_options));
  });
  auto* export_cmd = cli.add_subcommand("export", "Export files to stdout");
  export_cmd->require_subcommand(1);
  auto* export_products =
      export_cmd->add_subcommand("products", "Every product as a Shopify or WooCommerce CSV");
  add_file_format(export_products);
  export_products->final_callback([&] {
    fondaco::platform::init_logging(config.log_level);
    throw CLI::RuntimeError(fondaco::app::run_export_products(config, import_options));
  });
  // ---- end cli imports ----

  auto* token = cli.add_subcommand("token", "Manage API tokens");
  token->require_subcommand(1);
  auto* token_create = token->add_subcommand("create", "Create a token; prints only the token");
  std::string role, name = "cli";
  token_create->add_option("--role", role, "admin, manager, marketing, purchasing, logistics, "
                                           "customer_care, accounting or integration")
      ->required();
  token_create->add_option("--name", name, "A name to recognise the token by")->capture_default_str();
  add_db(token_create);
  add_log(token_create);

  cli.add_subcommand("version", "Print the version");

  CLI11_PARSE(cli, argc, argv);
  fondaco::platform::init_logging(config.log_level);
  if (serve->parsed()) return fondaco::app::run_serve(config);
  if (migrate->parsed()) return fondaco::app::run_migrate(config);
  if (demo->parsed()) return fondaco::app::run_demo(config);
  if (token_create->parsed()) return fondaco::app::run_token_create(config, role, name);
  std::cout << "fondaco " << FONDACO_VERSION << "\n";
  return 0;
}
