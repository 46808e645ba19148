#include "lib/lint/space.h"

#include <algorithm>
#include <utility>

namespace verdict::internal::lint {
namespace {

constexpr U128 kMax = ~U128(0);

// Sorts and merges overlapping or adjacent intervals.
std::vector<std::pair<U128, U128>> Normalize(std::vector<std::pair<U128, U128>> r) {
  std::sort(r.begin(), r.end());
  std::vector<std::pair<U128, U128>> out;
  for (const auto& [lo, hi] : r) {
    if (!out.empty() && (out.back().second == kMax || lo <= out.back().second + 1)) {
      out.back().second = std::max(out.back().second, hi);
    } else {
      out.emplace_back(lo, hi);
    }
  }
  return out;
}

U128 V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return IpAddress::FromV4((uint32_t{a} << 24) | (uint32_t{b} << 16) | (uint32_t{c} << 8) | d)
      .value();
}

// The address a witness shows: documentation addresses first (RFC 5737), an
// IPv4 address next, no IP only when nothing else is left.
std::optional<U128> PreferredIp(const IpSet& s) {
  for (U128 nice : {V4(203, 0, 113, 10), V4(198, 51, 100, 10), V4(192, 0, 2, 10)}) {
    if (s.Contains(nice)) return nice;
  }
  const U128 v4_lo = V4(0, 0, 0, 0);
  const U128 v4_hi = V4(255, 255, 255, 255);
  for (const auto& [lo, hi] : s.ranges) {
    if (hi < v4_lo || lo > v4_hi) continue;
    U128 first = std::max(lo, v4_lo);
    // Skip a network address (x.y.z.0) when the range allows.
    if ((absl::Uint128Low64(first) & 0xff) == 0 && first < std::min(hi, v4_hi)) first += 1;
    return first;
  }
  if (s.none) return std::nullopt;
  if (s.ranges.empty()) return std::nullopt;
  const auto& [lo, hi] = s.ranges.front();
  return lo == 0 && hi > 0 ? U128(1) : lo;
}

}  // namespace

// ---------------------------------------------------------------- IpSet

IpSet IpSet::Everything() {
  IpSet s;
  s.ranges = {{0, kMax}};
  s.none = true;
  return s;
}

IpSet IpSet::Of(const std::vector<IpRange>& ranges) {
  IpSet s;
  std::vector<std::pair<U128, U128>> r;
  r.reserve(ranges.size());
  for (const IpRange& range : ranges) r.emplace_back(range.first.value(), range.last.value());
  s.ranges = Normalize(std::move(r));
  return s;
}

IpSet IpSet::Intersect(const IpSet& o) const {
  IpSet s;
  s.none = none && o.none;
  if (ranges.SameAs(o.ranges)) {
    s.ranges = ranges;
    return s;
  }
  // The common cases share instead of copying: one side holds the other's
  // addresses (a box against the universe, a zone against its complement's
  // complement), or one side is small against a large one.
  const IpSet& small = ranges.size() <= o.ranges.size() ? *this : o;
  const IpSet& large = ranges.size() <= o.ranges.size() ? o : *this;
  if (small.ranges.empty()) return s;
  IpSet small_only = small;
  small_only.none = large.none;  // so Includes looks at the addresses alone
  if (large.Includes(small_only)) {
    s.ranges = small.ranges;
    return s;
  }
  std::vector<std::pair<U128, U128>> out;
  if (small.ranges.size() * 8 < large.ranges.size()) {
    for (const auto& [lo, hi] : small.ranges) {
      auto it =
          std::lower_bound(large.ranges.begin(), large.ranges.end(), lo,
                           [](const std::pair<U128, U128>& r, U128 v) { return r.second < v; });
      for (; it != large.ranges.end() && it->first <= hi; ++it) {
        out.emplace_back(std::max(lo, it->first), std::min(hi, it->second));
      }
    }
    s.ranges = std::move(out);
    return s;
  }
  size_t i = 0, j = 0;
  while (i < ranges.size() && j < o.ranges.size()) {
    const U128 lo = std::max(ranges[i].first, o.ranges[j].first);
    const U128 hi = std::min(ranges[i].second, o.ranges[j].second);
    if (lo <= hi) out.emplace_back(lo, hi);
    if (ranges[i].second < o.ranges[j].second) {
      ++i;
    } else {
      ++j;
    }
  }
  s.ranges = std::move(out);
  return s;
}

IpSet IpSet::Minus(const IpSet& o) const {
  IpSet s;
  s.none = none && !o.none;
  if (ranges.SameAs(o.ranges)) return s;
  IpSet mine = *this;
  mine.none = false;
  if (!mine.Overlaps(o)) {  // nothing to take away: share
    s.ranges = ranges;
    return s;
  }
  std::vector<std::pair<U128, U128>> out;
  size_t j = 0;
  for (const auto& [lo0, hi] : ranges) {
    U128 lo = lo0;
    bool alive = true;
    while (j < o.ranges.size() && o.ranges[j].second < lo) ++j;
    size_t k = j;
    while (alive && k < o.ranges.size() && o.ranges[k].first <= hi) {
      if (o.ranges[k].first > lo) out.emplace_back(lo, o.ranges[k].first - 1);
      if (o.ranges[k].second >= hi) {
        alive = false;
      } else {
        lo = o.ranges[k].second + 1;
      }
      ++k;
    }
    if (alive) out.emplace_back(lo, hi);
  }
  s.ranges = std::move(out);
  return s;
}

IpSet IpSet::Union(const IpSet& o) const {
  IpSet s;
  s.none = none || o.none;
  std::vector<std::pair<U128, U128>> r = ranges.vec();
  r.insert(r.end(), o.ranges.begin(), o.ranges.end());
  s.ranges = Normalize(std::move(r));
  return s;
}

bool IpSet::Includes(const IpSet& sub) const {
  if (sub.none && !none) return false;
  if (ranges.SameAs(sub.ranges)) return true;
  // Ranges are merged, so each range of `sub` lies inside one of ours.
  auto it = ranges.begin();
  for (const auto& [lo, hi] : sub.ranges) {
    it = std::upper_bound(it, ranges.end(), lo,
                          [](U128 v, const std::pair<U128, U128>& r) { return v < r.first; });
    if (it == ranges.begin()) return false;
    --it;
    if (hi > it->second) return false;
  }
  return true;
}

bool IpSet::Overlaps(const IpSet& o) const {
  if (none && o.none) return true;
  if (ranges.SameAs(o.ranges)) return !ranges.empty();
  const IpSet& small = ranges.size() <= o.ranges.size() ? *this : o;
  const IpSet& large = ranges.size() <= o.ranges.size() ? o : *this;
  for (const auto& [lo, hi] : small.ranges) {
    // The first range of `large` ending at or after lo.
    auto it = std::lower_bound(large.ranges.begin(), large.ranges.end(), lo,
                               [](const std::pair<U128, U128>& r, U128 v) { return r.second < v; });
    if (it != large.ranges.end() && it->first <= hi) return true;
  }
  return false;
}

bool IpSet::Contains(const std::optional<U128>& ip) const {
  if (!ip.has_value()) return none;
  auto it = std::upper_bound(ranges.begin(), ranges.end(), *ip,
                             [](U128 v, const std::pair<U128, U128>& r) { return v < r.first; });
  if (it == ranges.begin()) return false;
  --it;
  return *ip <= it->second;
}

// ---------------------------------------------------------------- AtomSet

AtomSet AtomSet::All(int atoms) {
  AtomSet s;
  s.words.assign((atoms + 63) / 64, ~uint64_t{0});
  if (atoms % 64 != 0) s.words.back() = (uint64_t{1} << (atoms % 64)) - 1;
  return s;
}

AtomSet AtomSet::One(int atoms, int atom) {
  AtomSet s;
  s.words.assign((atoms + 63) / 64, 0);
  s.words[atom / 64] |= uint64_t{1} << (atom % 64);
  return s;
}

bool AtomSet::empty() const {
  return std::all_of(words.begin(), words.end(), [](uint64_t w) { return w == 0; });
}

int AtomSet::First() const {
  for (size_t i = 0; i < words.size(); ++i) {
    if (words[i] != 0) return static_cast<int>(i * 64) + __builtin_ctzll(words[i]);
  }
  return -1;
}

AtomSet AtomSet::Intersect(const AtomSet& o) const {
  AtomSet s = *this;
  for (size_t i = 0; i < s.words.size(); ++i) s.words[i] &= o.words[i];
  return s;
}

AtomSet AtomSet::Minus(const AtomSet& o) const {
  AtomSet s = *this;
  for (size_t i = 0; i < s.words.size(); ++i) s.words[i] &= ~o.words[i];
  return s;
}

bool AtomSet::Includes(const AtomSet& sub) const {
  for (size_t i = 0; i < words.size(); ++i) {
    if ((sub.words[i] & ~words[i]) != 0) return false;
  }
  return true;
}

// ---------------------------------------------------------------- Space

namespace {

bool ConstraintEmpty(const Constraint& c) {
  return c.dim == kIpDim ? c.ip.empty() : c.atoms.empty();
}

Constraint Meet(const Constraint& a, const Constraint& b) {
  Constraint c;
  c.dim = a.dim;
  if (a.dim == kIpDim) {
    c.ip = a.ip.Intersect(b.ip);
  } else {
    c.atoms = a.atoms.Intersect(b.atoms);
  }
  return c;
}

Constraint Without(const Constraint& a, const Constraint& b) {
  Constraint c;
  c.dim = a.dim;
  if (a.dim == kIpDim) {
    c.ip = a.ip.Minus(b.ip);
  } else {
    c.atoms = a.atoms.Minus(b.atoms);
  }
  return c;
}

bool ConstraintIncludes(const Constraint& outer, const Constraint& inner) {
  return outer.dim == kIpDim ? outer.ip.Includes(inner.ip) : outer.atoms.Includes(inner.atoms);
}

void SetConstraint(Box* b, Constraint c) {
  auto it = std::lower_bound(b->cs.begin(), b->cs.end(), c.dim,
                             [](const Constraint& x, int dim) { return x.dim < dim; });
  if (it != b->cs.end() && it->dim == c.dim) {
    *it = std::move(c);
  } else {
    b->cs.insert(it, std::move(c));
  }
}

}  // namespace

Space::Space(IpSet ip_universe) : ip_universe_(std::move(ip_universe)) {
  sizes_.push_back(0);
  universe_.emplace_back();
  universe_.back().dim = kIpDim;
  universe_.back().ip = ip_universe_;
}

int Space::AddDim(int atoms) {
  const int dim = dims();
  sizes_.push_back(atoms);
  Constraint u;
  u.dim = dim;
  u.atoms = AtomSet::All(atoms);
  universe_.push_back(std::move(u));
  return dim;
}

Constraint Space::Atoms(int dim, AtomSet atoms) const {
  Constraint c;
  c.dim = dim;
  c.atoms = std::move(atoms);
  return c;
}

Constraint Space::Ip(IpSet ip) const {
  Constraint c;
  c.dim = kIpDim;
  c.ip = ip.Intersect(ip_universe_);
  return c;
}

const Constraint* Space::Find(const Box& b, int dim) const {
  for (const Constraint& c : b.cs) {
    if (c.dim == dim) return &c;
    if (c.dim > dim) break;
  }
  return nullptr;
}

std::optional<Box> Space::Intersect(const Box& a, const Box& b) const {
  Box out;
  size_t i = 0, j = 0;
  while (i < a.cs.size() || j < b.cs.size()) {
    if (j == b.cs.size() || (i < a.cs.size() && a.cs[i].dim < b.cs[j].dim)) {
      out.cs.push_back(a.cs[i++]);
    } else if (i == a.cs.size() || b.cs[j].dim < a.cs[i].dim) {
      out.cs.push_back(b.cs[j++]);
    } else {
      Constraint c = Meet(a.cs[i++], b.cs[j++]);
      if (ConstraintEmpty(c)) return std::nullopt;
      out.cs.push_back(std::move(c));
    }
  }
  return out;
}

bool Space::Intersects(const Box& a, const Box& b) const {
  size_t i = 0, j = 0;
  while (i < a.cs.size() && j < b.cs.size()) {
    if (a.cs[i].dim < b.cs[j].dim) {
      ++i;
    } else if (b.cs[j].dim < a.cs[i].dim) {
      ++j;
    } else {
      const Constraint& x = a.cs[i++];
      const Constraint& y = b.cs[j++];
      if (x.dim == kIpDim) {
        if (!x.ip.Overlaps(y.ip)) return false;
      } else {
        bool any = false;
        for (size_t w = 0; w < x.atoms.words.size() && !any; ++w) {
          any = (x.atoms.words[w] & y.atoms.words[w]) != 0;
        }
        if (!any) return false;
      }
    }
  }
  return true;
}

bool Space::Includes(const Box& outer, const Box& inner) const {
  for (const Constraint& oc : outer.cs) {
    const Constraint* ic = Find(inner, oc.dim);
    if (!ConstraintIncludes(oc, ic != nullptr ? *ic : universe_[oc.dim])) return false;
  }
  return true;
}

bool Space::Contains(const Box& box, const Point& p) const {
  for (const Constraint& c : box.cs) {
    if (c.dim == kIpDim) {
      if (!c.ip.Contains(p.ip)) return false;
    } else if (!c.atoms.Has(p.atoms[c.dim])) {
      return false;
    }
  }
  return true;
}

Point Space::PointOf(const Box& box) const {
  Point p;
  p.atoms.assign(dims(), 0);
  const Constraint* ip = Find(box, kIpDim);
  p.ip = PreferredIp(ip != nullptr ? ip->ip : ip_universe_);
  for (const Constraint& c : box.cs) {
    if (c.dim != kIpDim) p.atoms[c.dim] = c.atoms.First();
  }
  return p;
}

Boxes Space::And(const Boxes& a, const Boxes& b) const {
  Boxes out;
  for (const Box& x : a) {
    for (const Box& y : b) {
      if (std::optional<Box> z = Intersect(x, y)) out.push_back(std::move(*z));
    }
  }
  return out;
}

Boxes Space::Minus(const Box& a, const Box& c) const {
  Boxes out;
  Box rest = a;
  // The address last: its pieces are interval lists, costly to cut, and
  // the finite dimensions often settle the question first.
  std::vector<const Constraint*> order;
  for (const Constraint& cc : c.cs) {
    if (cc.dim != kIpDim) order.push_back(&cc);
  }
  if (!c.cs.empty() && c.cs.front().dim == kIpDim) order.push_back(&c.cs.front());
  for (const Constraint* ccp : order) {
    const Constraint& cc = *ccp;
    const Constraint* ac = Find(rest, cc.dim);
    const Constraint& have = ac != nullptr ? *ac : universe_[cc.dim];
    Constraint outside = Without(have, cc);
    if (!ConstraintEmpty(outside)) {
      Box piece = rest;
      SetConstraint(&piece, std::move(outside));
      out.push_back(std::move(piece));
    }
    // What is left inside C is C's part of the box: no piece needs it after
    // the last face.
    if (ccp != order.back()) SetConstraint(&rest, Meet(have, cc));
  }
  return out;
}

// Point first: the preferred point of `box` is either in no cover (the
// answer) or in some cover C; then either C holds all of `box` (covered) or
// `box` splits along C's faces into pieces outside C, each asked again.
// Covers that miss a piece cannot hold its point, so the list is not
// filtered: each step costs one membership test per cover.
bool Space::Search(const Box& box, const std::vector<const Box*>& covers, int64_t* budget,
                   Answer* out) const {
  if (--*budget < 0) {
    out->decided = false;
    return true;
  }
  const Point p = PointOf(box);
  const Box* hit = nullptr;
  for (const Box* c : covers) {
    if (Contains(*c, p)) {
      hit = c;
      break;
    }
  }
  if (hit == nullptr) {
    out->covered = false;
    out->witness = p;
    return true;
  }
  if (Includes(*hit, box)) return false;
  for (const Box& piece : Minus(box, *hit)) {
    if (Search(piece, covers, budget, out)) return true;
  }
  return false;
}

Space::Answer Space::Uncovered(const Box& box, const std::vector<const Box*>& covers,
                               int64_t budget) const {
  Answer a;
  a.covered = true;
  if (!Search(box, covers, &budget, &a)) {
    a.decided = true;
    a.covered = true;
  }
  return a;
}

Space::Answer Space::UncoveredAny(const Boxes& boxes, const std::vector<const Box*>& covers,
                                  int64_t budget) const {
  Answer a;
  a.covered = true;
  for (const Box& b : boxes) {
    int64_t left = budget;
    a.covered = true;
    if (Search(b, covers, &left, &a)) return a;
    budget = left;
  }
  a.decided = true;
  a.covered = true;
  return a;
}

}  // namespace verdict::internal::lint
