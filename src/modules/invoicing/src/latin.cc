#include "latin.h"

#include <cstdint>
#include <utility>

namespace fondaco::invoicing {
namespace {

// Next code point of valid-or-not UTF-8 (an invalid byte reads as U+FFFD).
char32_t next_cp(std::string_view s, std::size_t& i) {
  const auto b = static_cast<unsigned char>(s[i]);
  int len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
  if (len == 0 || i + static_cast<std::size_t>(len) > s.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t cp = len == 1 ? b : b & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    const auto c = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    if ((c & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (c & 0x3F);
  }
  i += static_cast<std::size_t>(len);
  return cp;
}

void put_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// A Latin-1 rendering of one code point (possibly several characters), "" for none.
std::string_view transliterate(char32_t cp) {
  switch (cp) {
    case 0x2018: case 0x2019: case 0x201A: case 0x2032: return "'";
    case 0x201C: case 0x201D: case 0x201E: case 0x2033: return "\"";
    case 0x2013: case 0x2014: case 0x2212: return "-";
    case 0x2026: return "...";
    case 0x20AC: return "EUR";
    case 0x2022: return "*";
    default: return "";
  }
}

}  // namespace

std::string latin_text(std::string_view utf8, std::size_t max_chars) {
  std::string out;
  std::size_t count = 0;
  auto add = [&](char32_t cp) {
    if (count >= max_chars) return;
    if (cp == ' ' && (out.empty() || out.back() == ' ')) return;  // collapse blanks
    put_utf8(out, cp);
    ++count;
  };
  for (std::size_t i = 0; i < utf8.size() && count < max_chars;) {
    const char32_t cp = next_cp(utf8, i);
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) {
      add(' ');
    } else if (cp <= 0xFF) {
      add(cp == 0xA0 ? char32_t{' '} : cp);
    } else if (auto t = transliterate(cp); !t.empty()) {
      for (char c : t) add(static_cast<char32_t>(static_cast<unsigned char>(c)));
    } else {
      add('?');
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out.empty() ? std::string("-") : out;
}

std::string to_cp1252(std::string_view utf8) {
  std::string out;
  for (std::size_t i = 0; i < utf8.size();) {
    const char32_t cp = next_cp(utf8, i);
    if (cp == 0x20AC) {
      out += static_cast<char>(0x80);
    } else if (cp == 0x2019) {
      out += static_cast<char>(0x92);
    } else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) {
      out += ' ';
    } else if (cp <= 0xFF) {
      out += static_cast<char>(cp);
    } else if (auto t = transliterate(cp); !t.empty()) {
      out += t;
    } else {
      out += '?';
    }
  }
  return out;
}

}  // namespace fondaco::invoicing
