// Command input checks. Each refusal names the field or rule it broke, so a
// script author or an operator can fix the input without reading engine code.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "engine/engine.hpp"

namespace clsim::engine {

inline constexpr Duration kDurationMax = Duration(365LL * 86400 * 1000000);
// The tweet text of a campaign created without one (the Lua API and the HTTP API).
inline constexpr const char* kDefaultCampaignText = "Engage with this campaign to earn rewards";

// Unicode code points in UTF-8 text; nullopt when the bytes are not valid UTF-8.
std::optional<std::size_t> utf8_code_points(std::string_view text);
// The longest prefix of `text` with at most `max_points` code points (valid UTF-8 in).
std::string utf8_prefix(std::string_view text, std::size_t max_points);

// Empty when fine, else the reason ("budget must be > 0").
std::string validate_spec(const CampaignSpec& spec);
std::string validate_update(const CampaignUpdate& change);
std::string validate_rates(const Rates& rates);
std::string validate_text(const std::string& text);
std::string validate_window(const char* field, Duration d);
// Campaign ids are printable and short: they end up in memos (<= 100 bytes).
std::string validate_id(const std::string& id);

}  // namespace clsim::engine
