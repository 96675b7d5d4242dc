#include "engine/adapters/live/redis/redis_reply.hpp"

#include <utility>

namespace clsim::live {

RedisReply RedisReply::failed(std::string reason) {
  RedisReply r;
  r.type = Type::no_reply;
  r.str = std::move(reason);
  return r;
}

bool RedisReply::is_error(std::string_view code) const {
  if (type != Type::error || str.size() < code.size()) return false;
  return std::string_view(str).substr(0, code.size()) == code &&
         (str.size() == code.size() || str[code.size()] == ' ');
}

std::string RedisReply::describe() const {
  switch (type) {
    case Type::no_reply: return "no reply (" + str + ")";
    case Type::nil: return "nil";
    case Type::status:
    case Type::error:
    case Type::string: return str;
    case Type::integer: return std::to_string(integer);
    case Type::array: return "array of " + std::to_string(elements.size());
  }
  return "?";
}

std::vector<std::string> xadd_argv(const std::string& stream, const engine::BusMessage& msg) {
  return {"XADD", stream, "*", "event_id", msg.event_id, "type", msg.type, "payload", msg.payload};
}

std::optional<engine::BusDelivery> parse_stream_entry(const std::string& stream, const RedisReply& entry) {
  using Type = RedisReply::Type;
  if (entry.type != Type::array || entry.elements.size() != 2 || entry.elements[0].type != Type::string)
    return std::nullopt;
  engine::BusDelivery out{stream, entry.elements[0].str, {}, 1};
  const RedisReply& fields = entry.elements[1];
  if (fields.type != Type::array) return out;  // nil: the entry was deleted (XDEL, MAXLEN)
  for (std::size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
    const std::string& f = fields.elements[i].str;
    const std::string& v = fields.elements[i + 1].str;
    if (f == "event_id") out.message.event_id = v;
    else if (f == "type") out.message.type = v;
    else if (f == "payload") out.message.payload = v;
  }
  return out;
}

}  // namespace clsim::live
