// fuzz_json_smoke: runs the libFuzzer target in json_request_fuzz.cc without libFuzzer, as
// part of `make test`. Feeds it every file of the corpus directory (argv[1]) and a bounded,
// deterministic set of mutations of them (byte flips, truncations, inserted JSON syntax,
// invalid UTF-8, huge numbers, deep nesting, route swaps, splices), counts property
// violations and exits non-zero when there was any.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
namespace fondaco_fuzz {
extern void (*on_violation)(const std::string& what);
extern std::size_t responses_2xx;
extern std::size_t responses_4xx;
}

namespace {

// Mutations per corpus file; keeps a Debug run well under a minute.
constexpr int kMutationsPerSeed = 250;
constexpr std::size_t kMaxInputs = 6000;

std::size_t g_failures = 0;
std::string g_current;  // description of the input being run

std::string printable(std::string_view s, std::size_t max = 160) {
  std::string out;
  for (std::size_t i = 0; i < s.size() && out.size() < max; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  if (s.size() > max) out += "... (" + std::to_string(s.size()) + " bytes)";
  return out;
}

void record_violation(const std::string& what) {
  ++g_failures;
  std::fprintf(stderr, "FAIL %s\n  %s\n", g_current.c_str(), what.c_str());
}

// splitmix64: deterministic across platforms and runs.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }

 private:
  std::uint64_t s_;
};

const std::vector<std::string>& fragments() {
  static const std::vector<std::string> f = {
      "\"", "{", "}", "[", "]", ",", ":", "\\", "\\u0000", "\\ud800", "\\udfff\\ud800", "null",
      "true", "-", "0", "-0", "1e999", "-1e999", "1.5", "9223372036854775807",
      "9223372036854775808", "-9223372036854775809", "18446744073709551616",
      "99999999999999999999999999999999", "0.000000000000000000000000000001", "1E+2",
      std::string("\0", 1), "\xff", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82",
      "\t", "\n", "\x7f", "\"\":\"\"", "\"sku\":\"BF-11-1\"", "\"qty\":-1", "{}", "[]",
      "\"variants\":[]", "\xe2\x80\xae", " ",
  };
  return f;
}

std::string mutate(const std::string& input, const std::vector<std::string>& seeds, Rng& rng) {
  // input[0] is the route selector; the body follows.
  std::string s = input.empty() ? std::string("p") : input;
  const std::size_t body_start = 1;
  auto pos = [&] { return body_start + rng.below(s.size() - body_start + 1); };
  const int steps = 1 + static_cast<int>(rng.below(3));
  for (int step = 0; step < steps; ++step) {
    switch (rng.below(11)) {
      case 0: {  // flip a bit
        if (s.size() > body_start) s[pos() % s.size()] ^= static_cast<char>(1u << rng.below(8));
        break;
      }
      case 1: {  // truncate
        s.resize(pos());
        break;
      }
      case 2:
      case 3: {  // insert a fragment
        const auto& f = fragments()[rng.below(fragments().size())];
        s.insert(pos(), f);
        break;
      }
      case 4: {  // delete a range
        const std::size_t at = pos();
        s.erase(at, 1 + rng.below(8));
        break;
      }
      case 5: {  // duplicate a range
        const std::size_t at = pos();
        const std::string chunk = s.substr(at, 1 + rng.below(16));
        s.insert(pos(), chunk);
        break;
      }
      case 6: {  // replace the first number at or after a position with an extreme one
        static const char* kNumbers[] = {"99999999999999999999999", "1e308", "-1", "0",
                                         "1.0", "-9223372036854775808", "2147483648",
                                         "10000000000001", "1000001", "4.9e-324"};
        const std::size_t from = s.find_first_of("0123456789", pos());
        if (from == std::string::npos) break;
        const std::size_t to = s.find_first_not_of("0123456789.eE+-", from);
        s.replace(from, (to == std::string::npos ? s.size() : to) - from,
                  kNumbers[rng.below(std::size(kNumbers))]);
        break;
      }
      case 7: {  // deep nesting around the body or at a position
        static const std::size_t kDepths[] = {64, 1000, 100000};
        const std::size_t depth = kDepths[rng.below(std::size(kDepths))];
        const bool close = rng.below(2) == 0;
        const char open = rng.below(2) == 0 ? '[' : '{';
        std::string nest;
        if (open == '[') {
          nest.assign(depth, '[');
        } else {
          for (std::size_t i = 0; i < depth; ++i) nest += "{\"a\":";
        }
        std::string tail;
        if (close) tail.assign(depth, open == '[' ? ']' : '}');
        const std::size_t at = pos();
        s.insert(at, nest + "1" + tail);
        break;
      }
      case 8: {  // another route for the same body
        s[0] = static_cast<char>(rng.next() & 0xff);
        break;
      }
      case 9: {  // splice with another seed's body
        const std::string& other = seeds[rng.below(seeds.size())];
        if (other.size() > 1) s = s.substr(0, pos()) + other.substr(1 + rng.below(other.size() - 1));
        break;
      }
      default: {  // overwrite a byte with a random one
        if (s.size() > body_start) s[pos() % s.size()] = static_cast<char>(rng.next() & 0xff);
        break;
      }
    }
    if (s.empty()) s = "p";
  }
  return s;
}

void run(const std::string& input, const std::string& description, std::size_t& count) {
  g_current = description + ": " + printable(input);
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
  ++count;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(argv[1], ec))
    if (e.is_regular_file()) files.push_back(e.path());
  if (ec || files.empty()) {
    std::fprintf(stderr, "fuzz smoke: no corpus files in %s\n", argv[1]);
    return 2;
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> seeds;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    seeds.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  fondaco_fuzz::on_violation = record_violation;
  std::size_t count = 0;

  // 1. The corpus as it is (regression seeds included).
  for (std::size_t i = 0; i < seeds.size(); ++i) run(seeds[i], files[i].filename().string(), count);

  // 2. Edge cases that do not depend on the corpus, on every route.
  const std::string big_string = "{\"title\":\"" + std::string(70000, 'a') + "\"}";
  const std::string too_large = "{\"title\":\"" + std::string((1 << 20) + 10, 'a') + "\"}";
  const std::string deep_open(200000, '[');
  std::string deep_closed = std::string(50000, '[') + std::string(50000, ']');
  std::string deep_objects;
  for (int i = 0; i < 20000; ++i) deep_objects += "{\"variants\":";
  deep_objects += "null" + std::string(20000, '}');
  const std::string edge_bodies[] = {
      "", " ", "null", "[]", "{}", "\"\"", "0", "{\"\":null}", std::string("\0", 1),
      "{\"sku\":\"BF-11-1\",\"sku\":\"BF-11-2\"}", "\xef\xbb\xbf{}", big_string, too_large,
      deep_open, deep_closed, deep_objects,
  };
  for (const char selector : {'p', 'u', 'm', 'c', 'l', 'r', 'x', 't'})
    for (const auto& body : edge_bodies) run(selector + body, "edge case", count);

  // 3. Deterministic mutations of each corpus file.
  Rng rng(0x466f6e6461636fULL);  // "Fondaco"
  for (std::size_t i = 0; i < seeds.size() && count < kMaxInputs; ++i)
    for (int m = 0; m < kMutationsPerSeed && count < kMaxInputs; ++m)
      run(mutate(seeds[i], seeds, rng),
          "mutation " + std::to_string(m) + " of " + files[i].filename().string(), count);

  const auto secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("fuzz smoke: %zu inputs (%zu answered 2xx, %zu 4xx), %.1f s\n", count,
              fondaco_fuzz::responses_2xx, fondaco_fuzz::responses_4xx, secs);
  std::printf("fuzz smoke: %zu inputs, %zu failures\n", count, g_failures);
  return g_failures == 0 ? 0 : 1;
}
