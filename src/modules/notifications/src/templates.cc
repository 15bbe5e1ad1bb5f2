// The e-mail templates (mustache, kainjow/mustache.hpp). Variables a template may use are
// set in render.cc; {{x}} is HTML-escaped in the HTML bodies and left as is in subjects
// and text parts. Money and dates arrive already formatted for the locale. In text parts an
// optional line is written "{{#flag}}text\n{{/flag}}" on one source line: this mustache
// implementation leaves an empty line behind a false standalone section.
#include "templates.h"

#include <array>

namespace fondaco::notifications::detail {
namespace {

constexpr std::string_view kLayout = R"(<!DOCTYPE html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{subject}}</title>
</head>
<body style="margin:0;padding:0;background:#f4f4f4;font-family:Arial,Helvetica,sans-serif;color:#222222">
<div style="max-width:600px;margin:0 auto;padding:24px;background:#ffffff">
{{{content}}}
<p style="margin-top:32px;color:#666666">{{shop_name}}</p>
</div>
</body>
</html>
)";

// ---- order_confirmed ----

constexpr Texts kOrderConfirmedIt = {
    "Conferma dell'ordine {{order_number}}",
    R"({{greeting}}

grazie per il tuo ordine {{order_number}} del {{order_date}}. Ecco il riepilogo.

{{#lines}}
- {{qty}} x {{title}} ({{sku}}), {{unit_price}} cad.: {{line_total}}
{{/lines}}

Subtotale: {{subtotal}}
Spedizione: {{shipping}}
Totale: {{total}} (di cui IVA {{vat}}){{#address}}

Indirizzo di spedizione:
{{#has_name}}{{name}}
{{/has_name}}{{line1}}
{{#has_line2}}{{line2}}
{{/has_line2}}{{postal_code}} {{city}}{{#has_province}} ({{province}}){{/has_province}}
{{country}}{{/address}}

Ti scriveremo di nuovo quando l'ordine partirà.

{{shop_name}}
)",
    R"(<p>{{greeting}}</p>
<p>grazie per il tuo ordine <strong>{{order_number}}</strong> del {{order_date}}. Ecco il riepilogo.</p>
<table style="width:100%;border-collapse:collapse">
<tr><th align="left">Articolo</th><th align="right">Q.tà</th><th align="right">Prezzo</th><th align="right">Totale</th></tr>
{{#lines}}
<tr><td>{{title}}<br><small>{{sku}}</small></td><td align="right">{{qty}}</td><td align="right">{{unit_price}}</td><td align="right">{{line_total}}</td></tr>
{{/lines}}
<tr><td colspan="3" align="right">Subtotale</td><td align="right">{{subtotal}}</td></tr>
<tr><td colspan="3" align="right">Spedizione</td><td align="right">{{shipping}}</td></tr>
<tr><td colspan="3" align="right"><strong>Totale</strong></td><td align="right"><strong>{{total}}</strong></td></tr>
<tr><td colspan="3" align="right"><small>di cui IVA</small></td><td align="right"><small>{{vat}}</small></td></tr>
</table>
{{#address}}
<h3>Indirizzo di spedizione</h3>
<p>{{#has_name}}{{name}}<br>{{/has_name}}{{line1}}<br>{{#has_line2}}{{line2}}<br>{{/has_line2}}{{postal_code}} {{city}}{{#has_province}} ({{province}}){{/has_province}}<br>{{country}}</p>
{{/address}}
<p>Ti scriveremo di nuovo quando l'ordine partirà.</p>
)"};

constexpr Texts kOrderConfirmedEn = {
    "Order {{order_number}} confirmed",
    R"({{greeting}}

Thank you for your order {{order_number}} of {{order_date}}. Here is a summary.

{{#lines}}
- {{qty}} x {{title}} ({{sku}}), {{unit_price}} each: {{line_total}}
{{/lines}}

Subtotal: {{subtotal}}
Shipping: {{shipping}}
Total: {{total}} (including VAT {{vat}}){{#address}}

Shipping address:
{{#has_name}}{{name}}
{{/has_name}}{{line1}}
{{#has_line2}}{{line2}}
{{/has_line2}}{{postal_code}} {{city}}{{#has_province}} ({{province}}){{/has_province}}
{{country}}{{/address}}

We will write again when your order ships.

{{shop_name}}
)",
    R"(<p>{{greeting}}</p>
<p>Thank you for your order <strong>{{order_number}}</strong> of {{order_date}}. Here is a summary.</p>
<table style="width:100%;border-collapse:collapse">
<tr><th align="left">Item</th><th align="right">Qty</th><th align="right">Price</th><th align="right">Total</th></tr>
{{#lines}}
<tr><td>{{title}}<br><small>{{sku}}</small></td><td align="right">{{qty}}</td><td align="right">{{unit_price}}</td><td align="right">{{line_total}}</td></tr>
{{/lines}}
<tr><td colspan="3" align="right">Subtotal</td><td align="right">{{subtotal}}</td></tr>
<tr><td colspan="3" align="right">Shipping</td><td align="right">{{shipping}}</td></tr>
<tr><td colspan="3" align="right"><strong>Total</strong></td><td align="right"><strong>{{total}}</strong></td></tr>
<tr><td colspan="3" align="right"><small>including VAT</small></td><td align="right"><small>{{vat}}</small></td></tr>
</table>
{{#address}}
<h3>Shipping address</h3>
<p>{{#has_name}}{{name}}<br>{{/has_name}}{{line1}}<br>{{#has_line2}}{{line2}}<br>{{/has_line2}}{{postal_code}} {{city}}{{#has_province}} ({{province}}){{/has_province}}<br>{{country}}</p>
{{/address}}
<p>We will write again when your order ships.</p>
)"};

// ---- bank_transfer_instructions ----

constexpr Texts kBankTransferIt = {
    "Istruzioni per il bonifico, ordine {{order_number}}",
    R"({{greeting}}

per completare l'ordine {{order_number}} esegui un bonifico con questi dati:

Beneficiario: {{beneficiary}}
IBAN: {{iban}}
{{#has_bic}}BIC/SWIFT: {{bic}}
{{/has_bic}}Importo: {{amount}}
Causale: {{order_number}}

Spediremo l'ordine appena riceveremo il pagamento.

{{shop_name}}
)",
    R"(<p>{{greeting}}</p>
<p>per completare l'ordine <strong>{{order_number}}</strong> esegui un bonifico con questi dati:</p>
<table>
<tr><td>Beneficiario</td><td><strong>{{beneficiary}}</strong></td></tr>
<tr><td>IBAN</td><td><strong>{{iban}}</strong></td></tr>
{{#has_bic}}
<tr><td>BIC/SWIFT</td><td>{{bic}}</td></tr>
{{/has_bic}}
<tr><td>Importo</td><td><strong>{{amount}}</strong></td></tr>
<tr><td>Causale</td><td><strong>{{order_number}}</strong></td></tr>
</table>
<p>Spediremo l'ordine appena riceveremo il pagamento.</p>
)"};

constexpr Texts kBankTransferEn = {
    "Bank transfer instructions for order {{order_number}}",
    R"({{greeting}}

To complete order {{order_number}}, please make a bank transfer with these details:

Beneficiary: {{beneficiary}}
IBAN: {{iban}}
{{#has_bic}}BIC/SWIFT: {{bic}}
{{/has_bic}}Amount: {{amount}}
Payment reference: {{order_number}}

We will ship your order as soon as we receive the payment.

{{shop_name}}
)",
    R"(<p>{{greeting}}</p>
<p>To complete order <strong>{{order_number}}</strong>, please make a bank transfer with these details:</p>
<table>
<tr><td>Beneficiary</td><td><strong>{{beneficiary}}</strong></td></tr>
<tr><td>IBAN</td><td><strong>{{iban}}</strong></td></tr>
{{#has_bic}}
<tr><td>BIC/SWIFT</td><td>{{bic}}</td></tr>
{{/has_bic}}
<tr><td>Amount</td><td><strong>{{amount}}</strong></td></tr>
<tr><td>Payment reference</td><td><strong>{{order_number}}</strong></td></tr>
</table>
<p>We will ship your order as soon as we receive the payment.</p>
)"};

// ---- shipped ----

constexpr Texts kShippedIt = {
    "Il tuo ordine {{order_number}} è stato spedito",
    R"({{greeting}}

il tuo ordine {{order_number}} è stato spedito con {{carrier}}.
Numero di tracciamento: {{tracking_number}}{{#has_tracking_url}}
Segui la spedizione: {{tracking_url}}{{/has_tracking_url}}

{{shop_name}}
)",
    R"(<p>{{greeting}}</p>
<p>il tuo ordine <strong>{{order_number}}</strong> è stato spedito con {{carrier}}.</p>
<p>Numero di tracciamento: <strong>{{tracking_number}}</strong></p>
{{#has_tracking_url}}
<p><a href="{{tracking_url}}">Segui la spedizione</a></p>
{{/has_tracking_url}}
)"};

constexpr Texts kShippedEn = {
    "Your order {{order_number}} has shipped",
    R"({{greeting}}

Your order {{order_number}} has shipped with {{carrier}}.
Tracking number: {{tracking_number}}{{#has_tracking_url}}
Track your parcel: {{tracking_url}}{{/has_tracking_url}}

{{shop_name}}
)",
    R"(<p>{{greeting}}</p>
<p>Your order <strong>{{order_number}}</strong> has shipped with {{carrier}}.</p>
<p>Tracking number: <strong>{{tracking_number}}</strong></p>
{{#has_tracking_url}}
<p><a href="{{tracking_url}}">Track your parcel</a></p>
{{/has_tracking_url}}
)"};

// ---- delivered ----

constexpr Texts kDeliveredIt = {
    "Il tuo ordine {{order_number}} è stato consegnato",
    R"({{greeting}}

il tuo ordine {{order_number}} risulta consegnato il {{delivered_date}}.
Speriamo che sia tutto di tuo gradimento: per qualsiasi problema rispondi a questa e-mail.

{{shop_name}}
)",
    R"(<p>{{greeting}}</p>
<p>il tuo ordine <strong>{{order_number}}</strong> risulta consegnato il {{delivered_date}}.</p>
<p>Speriamo che sia tutto di tuo gradimento: per qualsiasi problema rispondi a questa e-mail.</p>
)"};

constexpr Texts kDeliveredEn = {
    "Your order {{order_number}} has been delivered",
    R"({{greeting}}

Your order {{order_number}} was delivered on {{delivered_date}}.
We hope you enjoy it: if anything is wrong, just reply to this e-mail.

{{shop_name}}
)",
    R"(<p>{{greeting}}</p>
<p>Your order <strong>{{order_number}}</strong> was delivered on {{delivered_date}}.</p>
<p>We hope you enjoy it: if anything is wrong, just reply to this e-mail.</p>
)"};

// ---- refund_issued ----

constexpr Texts kRefundIt = {
    "Rimborso per l'ordine {{order_number}}",
    R"({{greeting}}

abbiamo emesso un rimborso di {{amount}} per l'ordine {{order_number}}.
Metodo di rimborso: {{method}}
I tempi di accredito dipendono dalla tua banca o dal circuito di pagamento.

{{shop_name}}
)",
    R"(<p>{{greeting}}</p>
<p>abbiamo emesso un rimborso di <strong>{{amount}}</strong> per l'ordine <strong>{{order_number}}</strong>.</p>
<p>Metodo di rimborso: {{method}}</p>
<p>I tempi di accredito dipendono dalla tua banca o dal circuito di pagamento.</p>
)"};

constexpr Texts kRefundEn = {
    "Refund for order {{order_number}}",
    R"({{greeting}}

We have issued a refund of {{amount}} for order {{order_number}}.
Refund method: {{method}}
How soon you see it depends on your bank or card issuer.

{{shop_name}}
)",
    R"(<p>{{greeting}}</p>
<p>We have issued a refund of <strong>{{amount}}</strong> for order <strong>{{order_number}}</strong>.</p>
<p>Refund method: {{method}}</p>
<p>How soon you see it depends on your bank or card issuer.</p>
)"};

// ---- webhook_disabled (to the seller) ----

constexpr Texts kWebhookDisabledIt = {
    "Webhook disattivato: {{url}}",
    R"({{greeting}}

il webhook {{endpoint_id}} ({{url}}) è stato disattivato il {{disabled_date}}: {{reason}}.
Le consegne in sospeso ripartiranno quando lo riattiverai (PATCH /api/v1/webhooks/{{endpoint_id}} con "status": "active").

{{shop_name}}
)",
    R"(<p>{{greeting}}</p>
<p>il webhook {{endpoint_id}} (<strong>{{url}}</strong>) è stato disattivato il {{disabled_date}}: {{reason}}.</p>
<p>Le consegne in sospeso ripartiranno quando lo riattiverai.</p>
)"};

constexpr Texts kWebhookDisabledEn = {
    "Webhook disabled: {{url}}",
    R"({{greeting}}

Webhook {{endpoint_id}} ({{url}}) was disabled on {{disabled_date}}: {{reason}}.
Pending deliveries resume when you enable it again (PATCH /api/v1/webhooks/{{endpoint_id}} with "status": "active").

{{shop_name}}
)",
    R"(<p>{{greeting}}</p>
<p>Webhook {{endpoint_id}} (<strong>{{url}}</strong>) was disabled on {{disabled_date}}: {{reason}}.</p>
<p>Pending deliveries resume when you enable it again.</p>
)"};

// ---- customer_sign_in (the storefront's one-time link) ----

constexpr Texts kSignInIt = {"Il tuo link di accesso",
                             R"({{greeting}}

per accedere al tuo account apri questo link entro {{valid_minutes}} minuti:
{{link}}

Il link vale una sola volta. Se non hai chiesto tu di accedere, ignora questo messaggio.

{{shop_name}}
)",
                             R"(<p>{{greeting}}</p>
<p>per accedere al tuo account apri questo link entro {{valid_minutes}} minuti:</p>
<p><a href="{{link}}">Accedi</a></p>
<p>Il link vale una sola volta. Se non hai chiesto tu di accedere, ignora questo messaggio.</p>
)"};

constexpr Texts kSignInEn = {"Your sign-in link",
                             R"({{greeting}}

To sign in to your account, open this link within {{valid_minutes}} minutes:
{{link}}

The link works once. If you did not ask to sign in, ignore this message.

{{shop_name}}
)",
                             R"(<p>{{greeting}}</p>
<p>To sign in to your account, open this link within {{valid_minutes}} minutes:</p>
<p><a href="{{link}}">Sign in</a></p>
<p>The link works once. If you did not ask to sign in, ignore this message.</p>
)"};

// Indexed by Kind, then Locale (it, en).
constexpr std::array<std::array<const Texts*, 2>, 7> kTable = {{
    {&kOrderConfirmedIt, &kOrderConfirmedEn},
    {&kBankTransferIt, &kBankTransferEn},
    {&kShippedIt, &kShippedEn},
    {&kDeliveredIt, &kDeliveredEn},
    {&kRefundIt, &kRefundEn},
    {&kWebhookDisabledIt, &kWebhookDisabledEn},
    {&kSignInIt, &kSignInEn},
}};

}  // namespace

const Texts& texts(Kind kind, Locale locale) {
  return *kTable[static_cast<std::size_t>(kind)][locale == Locale::it ? 0 : 1];
}

std::string_view html_layout() { return kLayout; }

}  // namespace fondaco::notifications::detail
