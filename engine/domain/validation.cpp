#include "engine/domain/validation.hpp"

namespace clsim::engine {

std::optional<std::size_t> utf8_code_points(std::string_view s) {
  std::size_t points = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) len = 1, cp = c;
    else if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07;
    else return std::nullopt;
    if (i + len > s.size()) return std::nullopt;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    i += len;
    ++points;
  }
  return points;
}

std::string utf8_prefix(std::string_view s, std::size_t max_points) {
  std::size_t i = 0, points = 0;
  while (i < s.size() && points < max_points) {
    const auto c = static_cast<unsigned char>(s[i]);
    i += c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
    ++points;
  }
  return std::string(s.substr(0, std::min(i, s.size())));
}

std::string validate_rates(const Rates& r) {
  if (r.like.minor < 0) return "rates.like must be >= 0";
  if (r.retweet.minor < 0) return "rates.retweet must be >= 0";
  if (r.quote.minor < 0) return "rates.quote must be >= 0";
  if (r.reply.minor < 0) return "rates.reply must be >= 0";
  return {};
}

std::string validate_text(const std::string& text) {
  const auto points = utf8_code_points(text);
  if (!points) return "text must be valid UTF-8";
  if (*points > std::size_t(kTweetTextMax)) return "text must be at most 280 characters";
  return {};
}

std::string validate_window(const char* field, Duration d) {
  if (d.count() <= 0 || d > kDurationMax) return std::string(field) + " must be > 0 and <= 365 days";
  return {};
}

std::string validate_id(const std::string& id) {
  if (id.empty() || id.size() > 40) return "id must be 1..40 characters";
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.';
    if (!ok) return "id may contain only letters, digits, '-', '_' and '.'";
  }
  return {};
}

std::string validate_spec(const CampaignSpec& spec) {
  if (spec.id) {
    if (auto why = validate_id(*spec.id); !why.empty()) return why;
  }
  if (spec.owner.empty()) return "owner is required";
  if (spec.owner.size() > 64) return "owner must be at most 64 characters";
  if (spec.budget.minor <= 0) return "budget must be > 0";
  if (auto why = validate_rates(spec.rates); !why.empty()) return why;
  if (auto why = validate_window("duration", spec.duration); !why.empty()) return why;
  if (auto why = validate_window("claim_window", spec.claim_window); !why.empty()) return why;
  return validate_text(spec.text);
}

std::string validate_update(const CampaignUpdate& change) {
  if (change.rates) {
    if (auto why = validate_rates(*change.rates); !why.empty()) return why;
  }
  if (change.duration) {
    if (auto why = validate_window("duration", *change.duration); !why.empty()) return why;
  }
  if (change.claim_window) {
    if (auto why = validate_window("claim_window", *change.claim_window); !why.empty()) return why;
  }
  if (change.text) return validate_text(*change.text);
  return {};
}

}  // namespace clsim::engine
