// A user profile attribute's value with its JSON type: Okta profiles hold
// strings, numbers, booleans, arrays and null, and the Expression Language
// compares them as such (user.profile.level > 5). Used by the context's user
// (context.h) and by the snapshot's linked users (snapshot.h).
#ifndef VERDICT_PROFILE_VALUE_H_
#define VERDICT_PROFILE_VALUE_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "verdict/export.h"

namespace verdict {

struct ProfileValue {
  enum class Type { kString, kNumber, kBoolean, kNull, kArray, kObject };

  ProfileValue() = default;
  // A string value: profile["department"] = "Sales" keeps working.
  ProfileValue(std::string s) : text(std::move(s)) {}  // NOLINT(runtime/explicit)
  ProfileValue(const char* s) : text(s) {}             // NOLINT(runtime/explicit)

  // Non-string values: `json` is the value's JSON text ("7", "true", "null").
  static ProfileValue Number(std::string json) { return {Type::kNumber, std::move(json)}; }
  static ProfileValue Boolean(bool b) { return {Type::kBoolean, b ? "true" : "false"}; }
  static ProfileValue Null() { return {Type::kNull, "null"}; }
  static ProfileValue Array(std::vector<ProfileValue> items, std::string json) {
    ProfileValue v{Type::kArray, std::move(json)};
    v.items = std::move(items);
    return v;
  }
  static ProfileValue Object(std::string json) { return {Type::kObject, std::move(json)}; }

  Type type = Type::kString;
  // kString: the string itself. Otherwise the value's JSON text, which is
  // also what a condition comparing text (userIdentifier ATTRIBUTE) sees.
  std::string text;
  std::vector<ProfileValue> items;  // kArray: the elements

  friend bool operator==(const ProfileValue& a, const ProfileValue& b) {
    return a.type == b.type && a.text == b.text && a.items == b.items;
  }

 private:
  ProfileValue(Type t, std::string json) : type(t), text(std::move(json)) {}
};

// A profile: attribute name -> value.
using Profile = std::map<std::string, ProfileValue, std::less<>>;

}  // namespace verdict

#endif  // VERDICT_PROFILE_VALUE_H_
