// Test-only helpers of the payments module: a realistic camt.053.001.02 statement and a
// throw-away PayPal signing key with its self-signed certificate (OpenSSL).
// Thread-safety: plain functions.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <vector>

#include "fondaco/payments/formats.h"

namespace fondaco::payments::test {

// Shaped like an Italian bank's export: group header, one statement with balances, a
// credit with remittance and debtor, a debit (bank fee), a credit with only NtryRef and
// the order number written without its hyphen.
inline constexpr const char* kCamt053Sample = R"(<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
          xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>STMT-20261123-001</MsgId><CreDtTm>2026-11-24T06:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>20261123-IT60X0542811101000000123456</Id>
      <ElctrncSeqNb>223</ElctrncSeqNb>
      <CreDtTm>2026-11-24T06:00:00</CreDtTm>
      <Acct><Id><IBAN>IT60X0542811101000000123456</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-23</Dt></Dt></Bal>
      <Ntry>
        <Amt Ccy="EUR">129.90</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2026-11-23</Dt></BookgDt>
        <ValDt><Dt>2026-11-23</Dt></ValDt>
        <AcctSvcrRef>2026112300001</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
          <AmtDtls><TxAmt><Amt Ccy="EUR">129.90</Amt></TxAmt></AmtDtls>
          <RltdPties><Dbtr><Nm>Mario Rossi</Nm></Dbtr>
            <DbtrAcct><Id><IBAN>IT02L1234512345123456789012</IBAN></Id></DbtrAcct></RltdPties>
          <RmtInf><Ustrd>Pagamento ordine WEB-000001</Ustrd><Ustrd>grazie</Ustrd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="EUR">45.00</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2026-11-23</Dt></BookgDt>
        <AcctSvcrRef>2026112300002</AcctSvcrRef>
        <AddtlNtryInf>Commissioni</AddtlNtryInf>
      </Ntry>
      <Ntry>
        <NtryRef>NTRY-3</NtryRef>
        <Amt Ccy="EUR">80.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2026-11-23</Dt></BookgDt>
        <NtryDtls><TxDtls>
          <RltdPties><Dbtr><Nm>Lucia Bianchi</Nm></Dbtr></RltdPties>
          <RmtInf><Ustrd>ORD WEB000002 saldo</Ustrd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>
)";

struct PaypalKeys {
  std::shared_ptr<EVP_PKEY> key;
  std::string cert_pem;
};

inline PaypalKeys make_paypal_keys() {
  std::shared_ptr<EVP_PKEY> key(EVP_RSA_gen(2048), EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("messageverificationcerts.paypal.com"),
                             -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_sign(cert.get(), key.get(), EVP_sha256());
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_X509(bio.get(), cert.get());
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return {key, std::string(data, static_cast<std::size_t>(len))};
}

inline std::string base64(const std::string& raw) {
  std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(raw.data()),
                                static_cast<int>(raw.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// Headers as PayPal would send them for `body`, signed with keys.
inline PaypalHeaders paypal_headers(const PaypalKeys& keys, const std::string& id,
                                    const std::string& time, const std::string& webhook_id,
                                    const std::string& body) {
  const std::string message = id + "|" + time + "|" + webhook_id + "|" + std::to_string(crc32(body));
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, keys.key.get());
  std::size_t len = 0;
  EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(message.data()),
                 message.size());
  std::string sig(len, '\0');
  EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                 reinterpret_cast<const unsigned char*>(message.data()), message.size());
  sig.resize(len);
  return PaypalHeaders{id, time, base64(sig),
                       "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42", "SHA256withRSA"};
}

}  // namespace fondaco::payments::test
