// Text for outputs limited to Latin-1: the FatturaPA schema's String*LatinType fields and
// the PDF's built-in fonts (WinAnsi). Typographic characters are transliterated (’ → ',
// “ → ", – → -, € → EUR), control characters become spaces, anything else '?'.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace fondaco::invoicing {

// UTF-8 in, UTF-8 out with only U+0020-U+007E and U+00A0-U+00FF, at most max_chars code
// points, trimmed; never empty (a lone "-" stands for nothing printable).
std::string latin_text(std::string_view utf8, std::size_t max_chars);
// UTF-8 in, Windows-1252 bytes out (for the PDF's WinAnsiEncoding fonts).
std::string to_cp1252(std::string_view utf8);

}  // namespace fondaco::invoicing
