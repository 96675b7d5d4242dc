// Money as integer minor units. A strong type so a count, a time or a bare
// integer cannot be added to a balance by accident; never a double.
#pragma once
#include <compare>
#include <cstdint>

namespace clsim::engine {

struct Money {
  std::int64_t minor = 0;

  constexpr Money() = default;
  constexpr explicit Money(std::int64_t m) : minor(m) {}

  constexpr Money& operator+=(Money o) { minor += o.minor; return *this; }
  constexpr Money& operator-=(Money o) { minor -= o.minor; return *this; }
  friend constexpr Money operator+(Money a, Money b) { return Money(a.minor + b.minor); }
  friend constexpr Money operator-(Money a, Money b) { return Money(a.minor - b.minor); }
  friend constexpr Money operator*(Money a, std::int64_t k) { return Money(a.minor * k); }
  friend constexpr auto operator<=>(Money, Money) = default;
};

}  // namespace clsim::engine
