//! The merge gate's codes: DS2xx authorization, DS3xx compatibility and consumer impact,
//! DS9xx git. Their examples are two-revision fixtures (`# base:` / `# head:` sections and a
//! `# source:` line, see `tests/rules.rs`) that the meta-harness runs through the real check.

use crate::diag::codes::{declare_code, Code};

declare_code!(
    DS201,
    "initial-check-in-not-by-owner",
    Authorization,
    Error,
    "The model's initial check-in does not come from the ecosystem's owning repository",
    "There is no model at the base revision, so this pull request creates the ecosystem. Only \
     the repository named by the head's `ecosystem.owning_repo` may do that: anyone else could \
     otherwise create an ecosystem that names them as owner of everything. Open the pull \
     request from the owning repository and branch, or correct `owning_repo`.",
);

declare_code!(
    DS202,
    "unknown-change-source",
    Authorization,
    Error,
    "The pull request comes from a repository the base model does not know",
    "A change may only come from a repository the base revision names: the ecosystem's \
     `owning_repo`, a declared zone's `repo`, or the `repo` of a team declared by a defined \
     zone. Repositories are compared exactly and case-sensitively (owner, name and branch), so \
     a look-alike (other case, homoglyph, extra character, other branch, whitespace) is \
     unknown. Declare the repository in the parent region first, in a separate pull request \
     from the parent's repository.",
);

declare_code!(
    DS203,
    "unauthorized-change",
    Authorization,
    Error,
    "An element is changed by a repository that does not own it",
    "Every element belongs to one region (MODEL.md \"Ownership regions\"): ecosystem-level \
     blocks and zone declarations to `ecosystem.owning_repo`, a governance zone's definition \
     and team declarations to the zone's repository, a team's datastores, workspaces and \
     containers to the team's repository. A parent declares and undeclares its children; only \
     the child's repository creates, edits or deletes its definition. Split the pull request so \
     that each part comes from the repository that owns what it changes; the message names it.",
);

declare_code!(
    DS301,
    "used-dataset-removed",
    Compatibility,
    Error,
    "A dataset that a sink still uses is removed",
    "Removing a dataset breaks every workspace that reads it, directly or through transformers. \
     The consumers named in the message must remove their sinks first (in their own pull \
     requests); then the dataset can go. Removing a dataset that no sink uses is allowed. \
     Deprecate it first (`deprecated = \"reason\"`) to warn its consumers.",
);

declare_code!(
    DS302,
    "used-datastore-removed",
    Compatibility,
    Error,
    "A datastore that a sink still uses is removed",
    "Removing a datastore removes all of its datasets and breaks every workspace that reads any \
     of them, directly or through transformers. The consumers named in the message must remove \
     their sinks first; a datastore nobody reads may be removed. Deprecate it first to warn \
     them.",
);

declare_code!(
    DS303,
    "column-removed",
    Compatibility,
    Error,
    "A column is removed from a dataset",
    "Consumers select, join and key on columns; removing one breaks their queries and the \
     merge tables that hold the dataset's history. Keep the column (it may become nullable \
     only by adding a new column) or publish a new dataset and deprecate this one.",
);

declare_code!(
    DS304,
    "new-column-not-nullable",
    Compatibility,
    Error,
    "A column added to an existing dataset is NOT NULL or part of the key",
    "Rows already captured have no value for a new column, and a new key column changes the \
     identity of every row. A column added to an existing dataset must be nullable and not a \
     key column; give it `nullable = true` (the default) and no `key`.",
);

declare_code!(
    DS305,
    "primary-key-changed",
    Compatibility,
    Error,
    "A dataset's primary key changes (columns, order or a column's key flag)",
    "The primary key identifies a row for every consumer and for the milestoned history; a \
     different key, even the same columns in another order, makes existing history and \
     consumers' merges wrong. Keep the key, or publish a new dataset with the new key.",
);

declare_code!(
    DS306,
    "partition-key-changed",
    Compatibility,
    Error,
    "A dataset's partition key changes",
    "The partition key decides how the dataset's tables are laid out on every platform; \
     changing it requires rewriting all stored data and breaks consumers that prune by it. \
     Keep the partition key, or publish a new dataset.",
);

declare_code!(
    DS307,
    "nullability-changed",
    Compatibility,
    Error,
    "An existing column's nullability changes",
    "Making a column nullable hands consumers nulls they were promised not to see; making it \
     NOT NULL rejects rows already captured with nulls. Existing columns keep their \
     nullability; add a new column instead.",
);

declare_code!(
    DS308,
    "classification-changed",
    Compatibility,
    Error,
    "A dataset's or column's classification changes",
    "Consumers were allowed to read the data under its classification, and zone and workspace \
     policies were checked against it. A different classification (including another \
     qualifier) can put data where policy forbids it. Publish a new dataset with the new \
     classification and move consumers over.",
);

declare_code!(
    DS309,
    "incompatible-type-change",
    Compatibility,
    Error,
    "A column's type changes to one that does not hold every old value",
    "A type change is allowed only when it widens (every value of the old type is exactly a \
     value of the new one, DESIGN.md \"Widening relation\"): narrowing, or a change across \
     families (integer to float, timestamp to timestamp(tz)), loses or changes values that \
     consumers already hold. Keep the type, or add a new column.",
);

declare_code!(
    DS310,
    "type-widened",
    Compatibility,
    Warning,
    "A column's type is widened; its consumers are named",
    "Widening keeps every old value, so the change is accepted, but consumers' own tables and \
     code may still hold the narrower type. The warning names every workspace that depends on \
     the dataset, directly or through transformers, so they can widen their side first.",
);

declare_code!(
    DS901,
    "git-error",
    Internal,
    Error,
    "A repository, revision or object cannot be read",
    "`dsgen check` reads both revisions from the git object database. The repository path, a \
     revision name or one of its objects could not be found or read. Check `--repo`, `--base` \
     and `--head`, and fetch the revisions (`git fetch origin <rev>`) in CI clones.",
);

declare_code!(
    DS902,
    "no-merge-base",
    Internal,
    Error,
    "The head and the base branch have no common ancestor in this clone",
    "`--base merge-base` needs the commit where the pull request branched off. A shallow clone \
     (`actions/checkout` fetches one commit by default) often lacks it. Fetch more history: \
     `fetch-depth: 0` in actions/checkout, or `git fetch --deepen=100 origin <base branch>`.",
);

/// Every code of the merge gate.
pub static ALL: &[&Code] = &[
    &DS201, &DS202, &DS203, &DS301, &DS302, &DS303, &DS304, &DS305, &DS306, &DS307, &DS308, &DS309,
    &DS310, &DS901, &DS902,
];
