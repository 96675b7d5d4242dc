// What a Redis command answered, as an owned value: hiredis' redisReply* never
// leaves redis_connection.cpp. A command that got no answer at all (not connected,
// the connection lost, its deadline passed) is a reply of type no_reply carrying
// the reason, so every caller handles exactly one kind of completion. Beside it,
// the stream-entry shapes the Bus reads (XADD's fields, XREADGROUP's and
// XAUTOCLAIM's entries).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/ports/bus.hpp"

namespace clsim::live {

struct RedisReply {
  enum class Type { no_reply, nil, status, error, integer, string, array };
  Type type = Type::no_reply;
  std::string str;  // status, error or string text; the reason for no_reply
  long long integer = 0;
  std::vector<RedisReply> elements;

  static RedisReply failed(std::string reason);
  bool answered() const { return type != Type::no_reply; }
  // An error reply whose code is `code` ("BUSYGROUP", "NOGROUP", ...).
  bool is_error(std::string_view code) const;
  std::string describe() const;  // for log lines: "ERR ...", "no reply (...)", "array of 3"
};

// XADD STREAM * event_id .. type .. payload .., the fields in the order
// mocks::RedisBus::to_fields writes them, so both adapters store the same entries.
std::vector<std::string> xadd_argv(const std::string& stream, const engine::BusMessage& msg);

// One stream entry [id, [field, value, ...]] as a delivery (deliveries = 1);
// nullopt when the shape is not an entry. A deleted entry's nil fields give an
// empty message.
std::optional<engine::BusDelivery> parse_stream_entry(const std::string& stream, const RedisReply& entry);

}  // namespace clsim::live
