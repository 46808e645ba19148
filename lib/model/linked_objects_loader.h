// Linked objects for user.getLinkedObject() (docs/expressions.md): the
// relationship definitions and the users they link, read from the snapshot in
// the shapes the Management API returns them. Separate from
// snapshot_loader.cc so the two evolve independently.
#ifndef VERDICT_LIB_MODEL_LINKED_OBJECTS_LOADER_H_
#define VERDICT_LIB_MODEL_LINKED_OBJECTS_LOADER_H_

#include "lib/model/snapshot_files.h"
#include "verdict/issue.h"
#include "verdict/snapshot.h"

namespace verdict::model_internal {

// Reads linked-objects.json, users/<userId>/user.json and
// users/<userId>/linkedObjects/<relationshipName>.json of `files` into
// `snapshot`. Every problem is appended to `issues` with file and JSON
// pointer: malformed files, a user.json whose id is not its directory's, a
// relationship name linked-objects.json does not define. Absent files are
// not errors (the org has no linked objects).
void LoadLinkedObjects(const SnapshotFiles& files, Snapshot* snapshot, IssueList* issues);

}  // namespace verdict::model_internal

#endif  // VERDICT_LIB_MODEL_LINKED_OBJECTS_LOADER_H_
