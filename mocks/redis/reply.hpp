// A RESP2-shaped reply from the mock Redis: what a real server would put on the
// wire, so the mock can be compared with redis-server reply by reply. Nil bulk
// ($-1) and nil array (*-1) are different things in RESP2 and are kept apart.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace clsim::mocks {

struct Reply {
  enum class Type { simple, error, integer, bulk, nil_bulk, array, nil_array };

  Type type = Type::nil_bulk;
  std::string str;             // simple, error (without the leading '-'), bulk
  std::int64_t integer = 0;    // integer
  std::vector<Reply> elements; // array

  static Reply simple(std::string s) { return {Type::simple, std::move(s), 0, {}}; }
  static Reply ok() { return simple("OK"); }
  static Reply error(std::string s) { return {Type::error, std::move(s), 0, {}}; }
  static Reply integer_of(std::int64_t v) { return {Type::integer, {}, v, {}}; }
  static Reply bulk(std::string s) { return {Type::bulk, std::move(s), 0, {}}; }
  static Reply nil() { return {Type::nil_bulk, {}, 0, {}}; }
  static Reply nil_array() { return {Type::nil_array, {}, 0, {}}; }
  static Reply array(std::vector<Reply> e = {}) { return {Type::array, {}, 0, std::move(e)}; }

  bool is_error() const { return type == Type::error; }
  // One line, unambiguous: "+OK", "-ERR ...", ":3", "\"bulk\"", "(nil)", "(nil-array)", "[a, b]".
  std::string to_string() const;

  friend bool operator==(const Reply&, const Reply&) = default;
};

}  // namespace clsim::mocks
