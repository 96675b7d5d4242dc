// Differential test: the same rapidcheck-generated command sequences go to the
// real redis-server (Debian's) and to RedisMock; every reply must be equal. Only
// what depends on the server's wall clock is normalised (XPENDING idle times);
// ids are explicit and min-idle is 0 so nothing else does. A missing or broken
// redis-server fails the test: it never skips.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mocks/redis/redis_mock.hpp"
#include "redis_test_server.hpp"

namespace clsim::mocks {
namespace {

using testing::RedisTestServer;
using testing::RespClient;

// One server for the whole program, started on first use, killed at exit.
struct Real {
  std::unique_ptr<RedisTestServer> server;
  std::unique_ptr<RespClient> client;
  std::string error;
};
Real& real() {
  static Real r = [] {
    Real out;
    try {
      out.server = std::make_unique<RedisTestServer>();
      out.client = std::make_unique<RespClient>(out.server->socket_path());
    } catch (const std::exception& e) {
      out.error = e.what();
    }
    return out;
  }();
  return r;
}

// An abstract command; materialise() turns it into argv using what earlier
// replies returned (ids), so most XADDs succeed and most references hit.
struct Op {
  int kind, key, group, consumer, a, b;
  bool flag, flag2;
};

rc::Gen<Op> gen_op() {
  return rc::gen::map(rc::gen::tuple(rc::gen::inRange(0, 17), rc::gen::inRange(0, 4), rc::gen::inRange(0, 4),
                                     rc::gen::inRange(0, 3), rc::gen::inRange(0, 64), rc::gen::inRange(0, 4),
                                     rc::gen::arbitrary<bool>(), rc::gen::arbitrary<bool>()),
                      [](const auto& t) {
                        const auto& [kind, key, group, consumer, a, b, flag, flag2] = t;
                        return Op{kind, key, group, consumer, a, b, flag, flag2};
                      });
}

struct Materialiser {
  std::map<std::string, StreamId> top;              // per stream key, from XADD replies
  std::map<std::string, std::vector<std::string>> issued;  // ids XADD returned

  std::string some_id(const std::string& key, int pick) {
    const auto& ids = issued[key];
    if (ids.empty() || pick % 5 == 4) return std::to_string(1 + pick % 3) + "-0";  // maybe never added
    return ids[std::size_t(pick) % ids.size()];
  }

  std::vector<std::string> argv(const Op& op) {
    // Mostly one stream and one group, so sequences build up state worth checking.
    const std::string key = op.key == 3 ? "s2" : "s1";
    const std::string group = op.group == 3 ? "g2" : "g1";
    const std::string consumer = "c" + std::to_string(op.consumer + 1);
    const std::string skey = op.key == 3 ? "k2" : "k1";
    switch (op.kind) {
      case 0:
      case 1:
      case 2: {
        std::vector<std::string> v{"XADD", key};
        if (op.a % 7 == 0) v.push_back("NOMKSTREAM");
        const StreamId t = top[key];
        if (op.b == 3 && op.flag) {
          v.push_back("0-0");
        } else if (op.b == 3) {
          v.push_back(some_id(key, op.a));  // usually not above the top: an error
        } else {
          const std::uint64_t ms = t.ms + std::uint64_t(op.a % 3);
          if (op.flag2) v.push_back(std::to_string(ms) + "-*");
          else v.push_back(std::to_string(ms) + "-" + std::to_string(ms == t.ms ? t.seq + 1 + op.b % 2 : op.b % 2));
        }
        v.insert(v.end(), {"f", std::to_string(op.a), "g", std::to_string(op.b)});
        return v;
      }
      case 3: {
        const std::string id = op.a % 3 == 0 ? "0" : op.a % 3 == 1 ? "$" : some_id(key, op.b);
        std::vector<std::string> v{"XGROUP", "CREATE", key, group, id};
        if (op.flag) v.push_back("MKSTREAM");
        return v;
      }
      case 4:
      case 5:
      case 6: {
        std::vector<std::string> v{"XREADGROUP", "GROUP", group, consumer};
        if (op.b) v.insert(v.end(), {"COUNT", std::to_string(op.b)});
        const std::string id = op.a % 4 != 3 ? ">" : op.flag ? "0" : some_id(key, op.a / 4);
        v.insert(v.end(), {"STREAMS", key, id});
        return v;
      }
      case 7: {
        std::vector<std::string> v{"XACK", key, group, some_id(key, op.a)};
        if (op.flag) v.push_back(some_id(key, op.a / 3));
        return v;
      }
      case 8: return {"XPENDING", key, group};
      case 9: {
        std::vector<std::string> v{"XPENDING", key, group, "-", "+", std::to_string(op.b * 3)};
        if (op.flag) v.push_back(consumer);
        return v;
      }
      case 10: {
        std::vector<std::string> v{"XCLAIM", key, group, consumer, "0", some_id(key, op.a)};
        if (op.flag2) v.push_back(some_id(key, op.a / 5));
        if (op.flag) v.push_back("JUSTID");
        return v;
      }
      case 11: {
        std::vector<std::string> v{"XAUTOCLAIM", key, group, consumer, "0", op.b ? some_id(key, op.a) : "0-0"};
        if (op.flag2) v.insert(v.end(), {"COUNT", std::to_string(1 + op.a % 3)});
        if (op.flag) v.push_back("JUSTID");
        return v;
      }
      case 12: return {"XDEL", key, some_id(key, op.a)};
      case 13: return {"XLEN", key};
      case 14: {
        std::vector<std::string> v{"SET", skey, "v" + std::to_string(op.a)};
        if (op.flag) v.push_back("NX");
        if (op.flag2) v.insert(v.end(), {"PX", "100000"});  // never expires within a case
        return v;
      }
      case 15: return {"GET", skey};
      default: return {"DEL", skey};
    }
  }

  void observe(const std::vector<std::string>& argv, const Reply& r) {
    if (argv[0] != "XADD" || r.type != Reply::Type::bulk) return;
    top[argv[1]] = *parse_strict_id(r.str);
    issued[argv[1]].push_back(r.str);
  }
};

// XPENDING's extended form reports idle milliseconds of the server's wall clock.
Reply normalise(const std::vector<std::string>& argv, Reply r) {
  if (argv[0] == "XPENDING" && argv.size() > 3 && r.type == Reply::Type::array)
    for (auto& row : r.elements)
      if (row.type == Reply::Type::array && row.elements.size() == 4) row.elements[2] = Reply::integer_of(0);
  return r;
}

std::string join(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}

RC_GTEST_PROP(RedisDifferential, MockRepliesEqualRealRedisServer, ()) {
  Real& r = real();
  if (!r.error.empty()) RC_FAIL("redis-server unavailable: " + r.error);
  const auto ops = *rc::gen::resize(80, rc::gen::nonEmpty(rc::gen::container<std::vector<Op>>(gen_op())));

  RC_ASSERT(r.client->command({"FLUSHALL"}) == Reply::ok());
  RedisMock mock;
  Materialiser m;
  auto now = engine::from_us(engine::kDefaultStartUs);
  for (const Op& op : ops) {
    const auto argv = m.argv(op);
    now += engine::Duration(1000);
    const Reply expected = normalise(argv, r.client->command(argv));
    const Reply actual = normalise(argv, mock.execute(argv, now));
    RC_LOG() << join(argv) << "\n  real: " << expected.to_string() << "\n  mock: " << actual.to_string() << "\n";
    RC_ASSERT(actual == expected);
    m.observe(argv, expected);
  }
}

TEST(RedisDifferential, RealServerIsAvailable) {
  Real& r = real();
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.client->command({"PING"}), Reply::simple("PONG"));
}

}  // namespace
}  // namespace clsim::mocks
