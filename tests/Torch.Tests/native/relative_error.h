// The emulation programs' measure of a kernel's output against its reference in double.
#pragma once
#include <algorithm>
#include <cmath>

// ‖actual − expected‖ / ‖expected‖ over the pairs added (infinite where a value was not finite).
struct Error {
  double diff = 0, norm = 0;
  void add(double expected, double actual) {
    diff += (expected - actual) * (expected - actual);
    norm += expected * expected;
  }
  // Against the larger of the reference's norm and floor (where a reference is exactly 0 and float32 leaves rounding).
  double relative(double floor = 0) const {
    return std::isfinite(diff) ? std::sqrt(diff) / std::max({std::sqrt(norm), floor, 1e-300}) : INFINITY;
  }
};
