// The capture-format reader: what it accepts, and each error it reports as
// "FILE:LINE: what is wrong".
#include <gtest/gtest.h>

#include "sim/replay/event_log.hpp"

using namespace clsim::sim;

namespace {

std::string error_of(const std::string& text, bool lenient = false) {
  try {
    parse_event_log(text, "log.jsonl", lenient);
  } catch (const LogError& e) {
    return e.what();
  }
  return "(no error)";
}

const char* kCreate =
    R"({"ts_us": 1000, "type": "campaign:create:v1:requested", "event_id": "e1", "campaign_id": "c-1",)"
    R"( "payload": {"owner": "alice", "budget": 1000, "rates": {"like": 1, "retweet": 2, "quote": 3, "reply": 4},)"
    R"( "duration_us": 60000000, "claim_window_us": 60000000}})";

}  // namespace

TEST(ReplayLog, SkipsCommentsAndBlankLinesAndKeepsLineNumbers) {
  const auto log = parse_event_log(std::string("# a comment\n\n") + kCreate + "\n", "log.jsonl", false);
  ASSERT_EQ(log.lines.size(), 1u);
  EXPECT_EQ(log.lines[0].line, 3);
  EXPECT_EQ(log.lines[0].kind, LineKind::command);
  EXPECT_EQ(log.lines[0].payload["owner"], "alice");
}

TEST(ReplayLog, MapsHashBuzzNamesAndAcceptsRfc3339Time) {
  const auto log = parse_event_log(
      R"({"ts": "2025-01-01T00:00:01Z", "type": "CAMPAIGN_CLOSED", "event_id": "x", "campaign_id": "c-1"})", "f", false);
  ASSERT_EQ(log.lines.size(), 1u);
  EXPECT_EQ(log.lines[0].type, "campaign:close:v1:success");
  EXPECT_EQ(log.lines[0].kind, LineKind::outcome);
  EXPECT_EQ(log.lines[0].ts_us, 1735689601000000LL);
}

TEST(ReplayLog, ReadsTheWorldConfigFirstLine) {
  const auto log = parse_event_log(
      R"({"type": "clsim:world:v1:config", "ts_us": 5, "payload": {"seed": 7, "world": {"engines": 2}}})", "f", false);
  ASSERT_TRUE(log.config);
  EXPECT_EQ(log.config->seed, 7u);
  EXPECT_EQ(log.config->world["engines"], 2);
  EXPECT_TRUE(log.lines.empty());
}

TEST(ReplayLog, MarksARepeatedEventIdAsADuplicateDelivery) {
  const std::string line = R"({"ts_us": 5, "type": "CAMPAIGN_CLOSED", "event_id": "x", "campaign_id": "c-1"})";
  const auto log = parse_event_log(line + "\n" + line, "f", false);
  ASSERT_EQ(log.lines.size(), 2u);
  EXPECT_FALSE(log.lines[0].repeated);
  EXPECT_TRUE(log.lines[1].repeated);
}

TEST(ReplayLog, MalformedJsonNamesFileLineAndParserMessage) {
  const std::string e = error_of(std::string(kCreate) + "\n{\"ts_us\": 1,");
  EXPECT_EQ(e.rfind("log.jsonl:2: malformed JSON: ", 0), 0u) << e;
  EXPECT_NE(e.find("parse error"), std::string::npos) << e;
}

TEST(ReplayLog, MissingRequiredFieldIsNamed) {
  EXPECT_EQ(error_of(R"({"ts_us": 1, "type": "CAMPAIGN_CLOSED"})"), "log.jsonl:1: missing field event_id");
  EXPECT_EQ(error_of(R"({"type": "CAMPAIGN_CLOSED", "event_id": "a"})"), "log.jsonl:1: missing field ts_us (or ts)");
  EXPECT_EQ(error_of(R"({"ts_us": 1, "event_id": "a"})"), "log.jsonl:1: missing field type");
  EXPECT_EQ(error_of(R"({"ts_us": 1, "type": "campaign:create:v1:requested", "event_id": "a", "payload": {}})"),
            "log.jsonl:1: missing field payload.owner");
}

TEST(ReplayLog, FractionWhereIntegerBelongsIsMalformed) {
  EXPECT_EQ(error_of(R"({"ts_us": 1.5, "type": "CAMPAIGN_CLOSED", "event_id": "a"})"),
            "log.jsonl:1: field ts_us must be an integer, got 1.5");
  std::string create = kCreate;
  create.replace(create.find("\"budget\": 1000"), 14, "\"budget\": 10.5");
  EXPECT_EQ(error_of(create), "log.jsonl:1: field payload.budget must be an integer, got 10.5");
}

TEST(ReplayLog, TextWhereNumberBelongsIsMalformed) {
  std::string create = kCreate;
  create.replace(create.find("\"like\": 1"), 9, "\"like\": \"1\"");
  EXPECT_EQ(error_of(create), "log.jsonl:1: field payload.rates.like must be an integer, got \"1\"");
}

TEST(ReplayLog, TimestampGoingBackwardsNamesBothLines) {
  const std::string e = error_of(
      "{\"ts_us\": 10, \"type\": \"CAMPAIGN_CLOSED\", \"event_id\": \"a\"}\n# c\n"
      "{\"ts_us\": 9, \"type\": \"CAMPAIGN_CLOSED\", \"event_id\": \"b\"}");
  EXPECT_EQ(e, "log.jsonl:3: timestamp 9 goes backwards: line 1 has 10");
}

TEST(ReplayLog, UnknownTypeIsAnErrorUnlessLenient) {
  const std::string text = "{\"ts_us\": 1, \"type\": \"BOGUS_EVENT\", \"event_id\": \"a\"}";
  EXPECT_EQ(error_of(text), "log.jsonl:1: unknown event type 'BOGUS_EVENT' (--lenient skips it)");
  const auto log = parse_event_log(text, "log.jsonl", true);
  EXPECT_TRUE(log.lines.empty());
  ASSERT_EQ(log.skipped.size(), 1u);
  EXPECT_EQ(log.skipped[0].rfind("log.jsonl:1:", 0), 0u);
}

TEST(ReplayLog, BadObservationPayloadsAreMalformed) {
  EXPECT_EQ(error_of(R"({"ts_us": 1, "type": "hedera:transaction:v1:failed", "event_id": "a", "payload": {"status": "NOPE"}})"),
            "log.jsonl:1: payload.status: unknown Hedera status 'NOPE'");
  EXPECT_EQ(error_of(R"({"ts_us": 1, "type": "twitter:engagement:v1:observed", "event_id": "a", "campaign_id": "c-1",)"
                     R"( "user_id": "u", "payload": {"kind": "clap"}})"),
            "log.jsonl:1: payload.kind must be like, retweet, quote or reply, got 'clap'");
  EXPECT_EQ(error_of(R"({"ts_us": 1, "type": "engine:crash:v1:observed", "event_id": "a", "payload": {"engine": 0}})"),
            "log.jsonl:1: field payload.engine must be >= 1, got 0");
}

TEST(ReplayLog, WorldLineAfterOtherLinesIsAnError) {
  const std::string e = error_of(
      "{\"ts_us\": 1, \"type\": \"CAMPAIGN_CLOSED\", \"event_id\": \"a\"}\n"
      "{\"ts_us\": 1, \"type\": \"clsim:world:v1:config\", \"payload\": {}}");
  EXPECT_EQ(e, "log.jsonl:2: clsim:world:v1:config must be the first line of the log");
}

TEST(ReplayLog, IdAssignedIsTrueAndNamesTheNumberTheEngineGave) {
  const std::string head = R"({"ts_us": 1, "type": "campaign:create:v1:requested", "event_id": "a", )";
  const std::string body = R"("owner": "o", "budget": 1, "rates": {"like": 1, "retweet": 1, "quote": 1, "reply": 1}, "duration_us": 1, "claim_window_us": 1)";
  EXPECT_EQ(error_of(head + R"("campaign_id": "c-1", "payload": {)" + body + R"(, "id_assigned": false}})"),
            "log.jsonl:1: field payload.id_assigned must be true, got false");
  EXPECT_EQ(error_of(head + R"("payload": {)" + body + R"(, "id_assigned": true}})"),
            "log.jsonl:1: payload.id_assigned needs the campaign_id the engine assigned");
}

TEST(ReplayLog, FaultLinesNameAFaultWithoutAFailureLineAndFaultChangesOneTable) {
  EXPECT_EQ(error_of(R"({"ts_us": 1, "type": "clsim:fault:v1:observed", "event_id": "a",)"
                     R"( "payload": {"fault": "twitter_error", "on": "POST /2/tweets"}})"),
            "log.jsonl:1: payload.fault: 'twitter_error' is not replayed from a fault line");
  EXPECT_EQ(error_of(R"({"ts_us": 1, "type": "clsim:fault:v1:observed", "event_id": "a", "payload": {"fault": "bus_duplicate"}})"),
            "log.jsonl:1: missing field payload.on");
  EXPECT_EQ(error_of(R"({"ts_us": 1, "type": "clsim:faults:v1:changed", "event_id": "a",)"
                     R"( "payload": {"heal": true, "set": {}}})"),
            "log.jsonl:1: needs payload.set (a fault table) or payload.heal (true), not both");
  EXPECT_EQ(error_of(R"({"ts_us": 1, "type": "clsim:fault:v1:observed", "event_id": "a",)"
                     R"( "payload": {"fault": "bus_duplicate", "on": "XADD s", "engine": 0}})"),
            "log.jsonl:1: field payload.engine must be >= 1, got 0");
  const auto log = parse_event_log(
      R"({"ts_us": 1, "type": "clsim:fault:v1:observed", "event_id": "a", "payload": {"fault": "bus_duplicate", "on": "XADD s", "nth": 2, "engine": 2}})"
      "\n"
      R"({"ts_us": 2, "type": "clsim:faults:v1:changed", "event_id": "b", "payload": {"heal": true}})",
      "log.jsonl", false);
  ASSERT_EQ(log.lines.size(), 2u);
  EXPECT_EQ(log.lines[0].kind, LineKind::observation);
  EXPECT_EQ(log.lines[1].kind, LineKind::observation);
}

TEST(ReplayLog, ACommandRefusedLiveIsKeptAsAskedEvenWithFieldsMissing) {
  const auto log = parse_event_log(
      R"({"ts_us": 1, "type": "customer:event:v1:requested", "event_id": "e-x", "payload": {"type": "purchase", "accepted": false, "reason": "event user is required"}})",
      "log.jsonl", false);
  ASSERT_EQ(log.lines.size(), 1u);
  EXPECT_FALSE(log.lines[0].payload.value("accepted", true));
  // The same line accepted live must have its user.
  EXPECT_EQ(error_of(R"({"ts_us": 1, "type": "customer:event:v1:requested", "event_id": "e-x", "payload": {"type": "purchase", "accepted": true}})"),
            "log.jsonl:1: missing field user_id");
}
