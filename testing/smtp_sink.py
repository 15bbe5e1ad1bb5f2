#!/usr/bin/python3
"""A real SMTP server for tests (Debian's python3-aiosmtpd): accepts mail on 127.0.0.1 and
writes every message it receives, byte for byte as it came after DATA, to DIR/NNNNNN.eml
(written to a temporary name, then renamed, so a reader never sees half a message), with
its envelope in DIR/NNNNNN.env ("MAIL FROM" line, then one "RCPT TO" line per recipient).

  /usr/bin/python3 testing/smtp_sink.py --dir DIR --port-file FILE [--reject ADDR]...
      [--auth USER:PASSWORD] [--tls none|starttls|implicit]

It listens on a free port chosen by the kernel and writes the port number to FILE once it
accepts connections. --reject makes RCPT TO for that address answer
"550 5.1.1 mailbox unavailable"; --auth requires AUTH PLAIN/LOGIN with these credentials
(allowed without TLS: this is a test server on loopback). --tls starttls offers and requires
STARTTLS; --tls implicit speaks TLS from the first byte (smtps://). Both use the self-signed
test certificate below (CN and subjectAltName 127.0.0.1, valid until 2126), also written to
DIR/cert.pem so a client can trust it. Runs until SIGTERM.
"""
import argparse
import asyncio
import itertools
import logging
import os
import signal
import ssl
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


# A throwaway key for tests only: it protects nothing (loopback, generated for this file).
TEST_CERT = """-----BEGIN CERTIFICATE-----
MIIDJzCCAg+gAwIBAgIUaZJ6baWYkc5BIXQhn4wHcVDt2WQwDQYJKoZIhvcNAQEL
BQAwFDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyNDEyNDMyNFoYDzIxMjYx
MDMxMTI0MzI0WjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwggEiMA0GCSqGSIb3DQEB
AQUAA4IBDwAwggEKAoIBAQDEJ+WiZnmelYWidLLkvl/Caip7Z0JHfiT7gKWMZVPo
n1Pdi07MQTKfDcCcAeZ2ut/i4lCdV/ysDspxLgtlT6GoNduOTni5+acJED1KwKLe
n7+4bNuFd0B2+7bXw0jmvB5Y69moE6hzReVVMd0W/zaG4Jb3AZIYeUAOpnpToMDQ
8h9uUJLNQWWj1pUAvkw0GVPEZ6VytYS1kp2NwLENWFpOs0SLPrnCFzx8ezhZg3rj
iUndHXQOKKl69XErzht/zPzEYqmcpDLH+0ya6ssZdQ8ndkT1TAJzmKP/AqgYJrkP
XspFNnyCgMZENRA7d8oPcRG9CCxkXuFiJWyTkIVEflW9AgMBAAGjbzBtMB0GA1Ud
DgQWBBSIL9QgEV7/fJzQRnc7IpvgqvUlFDAfBgNVHSMEGDAWgBSIL9QgEV7/fJzQ
Rnc7IpvgqvUlFDAPBgNVHRMBAf8EBTADAQH/MBoGA1UdEQQTMBGHBH8AAAGCCWxv
Y2FsaG9zdDANBgkqhkiG9w0BAQsFAAOCAQEAkNlOBd9rq1at4bUeSb1VlmWFUxzm
+k43VveF85MjOwkS993wgu5DxnsW9gPxNeOBmxqKwDhsyVXanMMI/MSwZtTDdM5e
H0sB9Q79Pdg7t2mBGMV7MPA6PIO0BnsoHMri4Wiym561CfnBKpntol9flrA5WPg/
uoVfeEV4OJbBhsHePu8KK4cLFGJbUBbY72DyOAisIkG7p428lnb5xQ17UX8SHI19
M9R5r8v09vKU92XjeyuzeS/eYhbwoFa/HXPZQ+UUlxhwACk5Unk1IxoXRgsB7Dtg
YiPS1JJyVIOejYMtZWeeQaJ6IVHb/8b5QveXp8X4vS8MSLm/KZNX+XMJ5w==
-----END CERTIFICATE-----
"""
TEST_KEY = """-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDEJ+WiZnmelYWi
dLLkvl/Caip7Z0JHfiT7gKWMZVPon1Pdi07MQTKfDcCcAeZ2ut/i4lCdV/ysDspx
LgtlT6GoNduOTni5+acJED1KwKLen7+4bNuFd0B2+7bXw0jmvB5Y69moE6hzReVV
Md0W/zaG4Jb3AZIYeUAOpnpToMDQ8h9uUJLNQWWj1pUAvkw0GVPEZ6VytYS1kp2N
wLENWFpOs0SLPrnCFzx8ezhZg3rjiUndHXQOKKl69XErzht/zPzEYqmcpDLH+0ya
6ssZdQ8ndkT1TAJzmKP/AqgYJrkPXspFNnyCgMZENRA7d8oPcRG9CCxkXuFiJWyT
kIVEflW9AgMBAAECggEAFEl0DHnAtlAMhCLBpbqyuK62OhER38cCGCjT9lM8fGCO
EemoeqN7ksufUgM4TKtDIHn7kGpbLYhSE6aJcy7rLzRywqMHBWT2i49sZ2DI93Fa
KL7JbWJJ/oRGAsalsYdfNB8gYau2zkU6VLdVgF1gzE5KDr3Q2Esh/uHk4OVNS86w
Wsnp9+Dd2R6O6hJ6u3b+xpkcKbwKk7iYnC37UtcGOXKETtDrZY2xJhb6nqyxlPje
4pCekoQA4Odd+jBT2YgfWc9+Wl/HYifp4MFjteKFseXpqsdJgt417s+Cs62bqnns
zDt9XBpTO1e8XBF6PVR/doePNESvWI8+jK80PEM3GQKBgQDsN+qJvDgjCOv1mJLd
0jb393PVUn5JmAitN6GNNUv6XBGJr+JEIpX99ylVAfgAFqDcX0AlBxK50LoO4xOb
bUHoFpV9rOs0nXbLafwTA3gd1dkbAYf41m47MepZHpdR4J71Q/heDpw/FhG/HDbE
hsgT1SrcCaIs1H4fM5ft4CRUPwKBgQDUlR0ctuMfoZ/DQ45uiRlXb0n5Qy6u7MWt
YUdrub6HqcjeO+22RCM/b3wDAXT1o37n4qbNb69NX73hlVAj/w4uqqwnthTuruM6
iZEb+ab+5l0y/aAR/irobDM391ubwRU3zaOVI5tukTU7En5/ktR41/Z6b5cGsTW5
2dLwPtRnAwKBgQDlzXwpZOfEBbDwK+9tR03crGqO9IMRe4utYDqVUm1I8frJ1Uct
e+wptyMJpTGsfFcgLLYNj7UC+nGXfAgeJAuDCz2BlxD3Dd19BO2LXcukUt+0ayfp
yEpS4juXWbBiokBiYS6l6lbM9N5s6rjJNko9KRtaFzEjpdHQ7vN2IqGVJwKBgHzv
NbDOeyT34+DqLycfQ9ly+lKX/TOoy3ReG49gFm28huS067uWx/BcINHTZV2HvOmi
9sz9ulUK05lkGzlMiJU8kPi1tg+gkMKyXqnGSzK7SELTc+OfMLBwBpn5sckT7Nhi
7qSTzKFqjZIuCFIJhP2QTrceJfA07ZJQRfwTsNjpAoGAAsjefPJxxzQMTN9Spc+a
7/WL72qY9xW+W5CK/lfmMOxC0CMLgkmhs5zRssRjDljiqrZWrPN98nkm5NjQTUev
KpBlMvt/iBFF6fVRHN2iDHlcIdjn0QPCL4lonZOsgyPdp+oBF1dK/p0NvW9HTHZu
87LsRPicw0Zz0ypVKhg/fus=
-----END PRIVATE KEY-----
"""


def tls_context(out_dir):
    cert, key = os.path.join(out_dir, "cert.pem"), os.path.join(out_dir, "key.pem")
    with open(cert, "w") as f:
        f.write(TEST_CERT)
    with open(key, "w") as f:
        f.write(TEST_KEY)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    return ctx


class Handler:
    def __init__(self, out_dir, reject):
        self.out_dir = out_dir
        self.reject = {a.lower() for a in reject}
        self.counter = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        n = next(self.counter)
        base = os.path.join(self.out_dir, "%06d" % n)
        with open(base + ".env.tmp", "w", encoding="utf-8") as f:
            f.write("MAIL FROM " + envelope.mail_from + "\n")
            for r in envelope.rcpt_tos:
                f.write("RCPT TO " + r + "\n")
        os.rename(base + ".env.tmp", base + ".env")
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 2.0.0 Message accepted for delivery"


def make_authenticator(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user
              and auth_data.password.decode() == password)
        return AuthResult(success=ok)
    return authenticate


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--reject", action="append", default=[])
    p.add_argument("--auth", default=None)
    p.add_argument("--tls", choices=["none", "starttls", "implicit"], default="none")
    args = p.parse_args()
    # Plain AUTH on loopback is the point of --auth: keep aiosmtpd's warnings out of test logs.
    warnings.filterwarnings("ignore")
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)

    handler = Handler(args.dir, args.reject)
    kwargs = {"decode_data": False, "enable_SMTPUTF8": True, "hostname": "sink.test"}
    if args.auth:
        user, _, password = args.auth.partition(":")
        kwargs.update(authenticator=make_authenticator(user, password), auth_required=True,
                      auth_require_tls=False)
    ctx = tls_context(args.dir) if args.tls != "none" else None
    if args.tls == "starttls":
        kwargs.update(tls_context=ctx, require_starttls=True)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, **kwargs), "127.0.0.1", 0,
                                      ssl=ctx if args.tls == "implicit" else None)
    port = server.sockets[0].getsockname()[1]
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(port))
    os.rename(tmp, args.port_file)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
