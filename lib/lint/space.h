// The condition space lint reasons over, and the one question it asks of it.
//
// A context is a point with one coordinate per dimension: finite dimensions
// (the user, each group, each behavior, each dynamic zone, the risk level,
// the auth type, the identity provider, the app) whose values are atoms, and
// the client IP, a 128-bit address (IPv4 mapped as in IpAddress) or "no IP".
// A box constrains some dimensions to sets (atoms as bitsets, addresses as
// interval lists) and leaves the others free; a condition becomes a union of
// boxes. The question: is box A covered by a union of boxes, and if not,
// which point of A is not? Answered exactly by splitting A along the boxes
// that do not contain it, depth first, a point at a time (Uncovered).
#ifndef VERDICT_LIB_LINT_SPACE_H_
#define VERDICT_LIB_LINT_SPACE_H_

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/numeric/int128.h"
#include "verdict/ip_address.h"

namespace verdict::internal::lint {

using U128 = absl::uint128;

// Sorted inclusive address intervals, shared and immutable: boxes are copied
// at every split, and "outside ALL_ZONES" can hold a hundred thousand of them.
class Ranges {
 public:
  using Range = std::pair<U128, U128>;
  Ranges() = default;
  Ranges(std::vector<Range> v)  // NOLINT: implicit, a vector is the natural value
      : v_(v.empty() ? nullptr : std::make_shared<const std::vector<Range>>(std::move(v))) {}
  Ranges(std::initializer_list<Range> l) : Ranges(std::vector<Range>(l)) {}
  const std::vector<Range>& vec() const {
    static const std::vector<Range> kEmpty;
    return v_ != nullptr ? *v_ : kEmpty;
  }
  size_t size() const { return vec().size(); }
  bool empty() const { return vec().empty(); }
  std::vector<Range>::const_iterator begin() const { return vec().begin(); }
  std::vector<Range>::const_iterator end() const { return vec().end(); }
  const Range& operator[](size_t i) const { return vec()[i]; }
  const Range& front() const { return vec().front(); }
  friend bool operator==(const Ranges& a, const Ranges& b) { return a.vec() == b.vec(); }
  // The same shared list (so equal without looking): boxes built from one
  // zone literal share it, and the search meets them often.
  bool SameAs(const Ranges& o) const { return v_ == o.v_; }

 private:
  std::shared_ptr<const std::vector<Range>> v_;
};

// A set of client addresses: inclusive intervals, sorted, disjoint and not
// adjacent, plus "no IP in the context".
struct IpSet {
  Ranges ranges;
  bool none = false;

  static IpSet Everything();
  static IpSet Of(const std::vector<IpRange>& ranges);
  bool empty() const { return ranges.empty() && !none; }
  IpSet Intersect(const IpSet& other) const;
  IpSet Minus(const IpSet& other) const;
  IpSet Union(const IpSet& other) const;
  // Both without allocating: the search asks them of every cover at every step.
  bool Includes(const IpSet& sub) const;
  bool Overlaps(const IpSet& other) const;
  // nullopt: "no IP".
  bool Contains(const std::optional<U128>& ip) const;
  friend bool operator==(const IpSet& a, const IpSet& b) {
    return a.none == b.none && a.ranges == b.ranges;
  }
};

// A subset of a finite dimension's atoms.
struct AtomSet {
  std::vector<uint64_t> words;
  static AtomSet All(int atoms);
  static AtomSet One(int atoms, int atom);
  bool Has(int atom) const { return (words[atom / 64] >> (atom % 64)) & 1; }
  bool empty() const;
  int First() const;  // -1 when empty
  AtomSet Intersect(const AtomSet& o) const;
  AtomSet Minus(const AtomSet& o) const;
  bool Includes(const AtomSet& sub) const;
  friend bool operator==(const AtomSet& a, const AtomSet& b) { return a.words == b.words; }
};

// Dimension 0 is always the client IP; the others are finite.
inline constexpr int kIpDim = 0;

struct Constraint {
  int dim = 0;
  AtomSet atoms;  // finite dimensions
  IpSet ip;       // kIpDim
};

// Constraints sorted by dimension; a dimension without one is free (its
// universe). Never holds an empty constraint (such a box is dropped).
struct Box {
  std::vector<Constraint> cs;
};

using Boxes = std::vector<Box>;

// A point: one atom per finite dimension (index = dimension), and the IP.
struct Point {
  std::vector<int> atoms;
  std::optional<U128> ip;
};

// The dimensions of one analysis: their sizes and universes.
class Space {
 public:
  // `ip_universe`: the addresses worth considering (those not blocked).
  explicit Space(IpSet ip_universe);

  // A new finite dimension of `atoms` atoms; atom 0 is preferred in points.
  int AddDim(int atoms);
  int dims() const { return static_cast<int>(sizes_.size()); }
  int size(int dim) const { return sizes_[dim]; }
  const IpSet& ip_universe() const { return ip_universe_; }

  // Constraint constructors (intersected with the universe).
  Constraint Atoms(int dim, AtomSet atoms) const;
  Constraint Ip(IpSet ip) const;

  // A ∩ B; nullopt when empty.
  std::optional<Box> Intersect(const Box& a, const Box& b) const;
  bool Intersects(const Box& a, const Box& b) const;
  bool Includes(const Box& outer, const Box& inner) const;  // inner ⊆ outer
  bool Contains(const Box& box, const Point& p) const;
  // The preferred point of a non-empty box.
  Point PointOf(const Box& box) const;
  // The union of `a` and `b` intersected pairwise with `c` (conjunction of
  // two unions of boxes).
  Boxes And(const Boxes& a, const Boxes& b) const;

  // Is `box` covered by the union of `covers`? nullopt + *exhausted when the
  // budget (split steps) ran out; else the uncovered point, or no point (via
  // `covered`).
  struct Answer {
    bool decided = true;
    bool covered = false;
    Point witness;  // when decided and not covered
  };
  Answer Uncovered(const Box& box, const std::vector<const Box*>& covers, int64_t budget) const;
  // The same for a union of boxes: covered when each is.
  Answer UncoveredAny(const Boxes& boxes, const std::vector<const Box*>& covers,
                      int64_t budget) const;

 private:
  const Constraint* Find(const Box& b, int dim) const;
  bool Search(const Box& box, const std::vector<const Box*>& covers, int64_t* budget,
              Answer* out) const;
  // A \ C as disjoint boxes (A ∩ C non-empty, C does not include A).
  Boxes Minus(const Box& a, const Box& c) const;

  IpSet ip_universe_;
  std::vector<int> sizes_;
  std::vector<Constraint> universe_;  // per finite dimension
};

}  // namespace verdict::internal::lint

#endif  // VERDICT_LIB_LINT_SPACE_H_
