#include "fondaco/platform/json.h"

#include <gtest/gtest.h>

namespace fondaco::json {
namespace {

TEST(Json, RejectsMalformedAndInvalidUtf8) {
  for (std::string bad : {"", "{", "{\"a\":}", "[1,]", "{} {}", "nul", "{\"a\":\"\xff\"}"}) {
    auto r = parse(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(r.error().field, "body");
  }
}

TEST(Json, DeepNestingDoesNotOverflowTheStack) {
  std::string deep(200000, '[');
  deep += std::string(200000, ']');
  auto r = parse(deep);
  EXPECT_TRUE(r.has_value());
}

TEST(Json, ObjectReadsTypedFieldsAndNamesTheBadOne) {
  auto doc = parse(R"({"title":"Tee","qty":3,"tags":["a"],"nested":{"x":1}})");
  ASSERT_TRUE(doc.has_value());
  auto o = Object::of((*doc)->root());
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->req_string("title").value(), "Tee");
  EXPECT_EQ(o->req_int("qty", {1, 10}).value(), 3);
  EXPECT_EQ((*o->opt_array("tags", 5))->Size(), 1u);
  auto missing = o->req_string("sku");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().field, "sku");
  auto unknown = o->finish();
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().field, "nested");
  EXPECT_EQ(unknown.error().message, "unknown field");
}

TEST(Json, RejectsWrongTypesRangesAndControlCharacters) {
  auto doc = parse(R"({"n":"3","f":1.5,"big":99,"s":"a\u0001b","nl":"a\nb","d":1,"d2":2})");
  ASSERT_TRUE(doc.has_value());
  auto o = Object::of((*doc)->root()).value();
  EXPECT_EQ(o.req_int("n").error().message, "must be an integer");
  EXPECT_EQ(o.req_int("f").error().message, "must be an integer within range");
  EXPECT_EQ(o.req_int("big", {0, 10}).error().field, "big");
  EXPECT_FALSE(o.req_string("s").has_value());
  EXPECT_FALSE(o.req_string("nl").has_value());
  EXPECT_TRUE(o.req_string("nl", {100, 1, true}).has_value());
}

TEST(Json, RejectsDuplicateKeys) {
  auto doc = parse(R"({"a":1,"a":2})");
  ASSERT_TRUE(doc.has_value());
  auto o = Object::of((*doc)->root());
  ASSERT_FALSE(o.has_value());
  EXPECT_EQ(o.error().field, "a");
}

TEST(Json, StringLengthCountsCodePoints) {
  auto doc = parse(R"({"s":"èèè"})");
  auto o = Object::of((*doc)->root()).value();
  EXPECT_TRUE(o.req_string("s", {3, 1, false}).has_value());
  EXPECT_FALSE(o.req_string("s", {2, 1, false}).has_value());
}

TEST(Json, WriterEscapes) {
  Writer w;
  w.begin_object().kv("a", "quote\" and <tag>").kv("n", std::int64_t{-5}).end_object();
  EXPECT_EQ(w.take(), R"({"a":"quote\" and <tag>","n":-5})");
}

}  // namespace
}  // namespace fondaco::json

namespace fondaco::json {
namespace {

TEST(Json, KeysWithNulAreComparedWhole) {
  auto doc = parse(std::string("{\"a\\u0000b\":1}"));
  ASSERT_TRUE(doc.has_value());
  auto o = Object::of((*doc)->root()).value();
  EXPECT_FALSE(o.has("a"));
  EXPECT_TRUE(o.has(std::string_view("a\0b", 3)));
  EXPECT_FALSE(o.finish().has_value());  // "a" was never read, "a\0b" is unknown
}

}  // namespace
}  // namespace fondaco::json
