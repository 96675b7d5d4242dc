#include "mocks/redis/reply.hpp"

namespace clsim::mocks {

std::string Reply::to_string() const {
  switch (type) {
    case Type::simple: return "+" + str;
    case Type::error: return "-" + str;
    case Type::integer: return ":" + std::to_string(integer);
    case Type::bulk: return "\"" + str + "\"";
    case Type::nil_bulk: return "(nil)";
    case Type::nil_array: return "(nil-array)";
    case Type::array: {
      std::string out = "[";
      for (std::size_t i = 0; i < elements.size(); ++i) {
        if (i) out += ", ";
        out += elements[i].to_string();
      }
      return out + "]";
    }
  }
  return "?";
}

}  // namespace clsim::mocks
