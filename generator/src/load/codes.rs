//! DS0xx: the codes of the load stage (files, syntax, structure, values).

use crate::diag::codes::{declare_code, Code};

declare_code!(
    DS001,
    "not-utf8",
    Load,
    Error,
    "A model file is not valid UTF-8",
    "Model files are UTF-8 text. A file with other bytes (Latin-1, UTF-16, a binary saved with a \
     `.hcl` name) cannot be read reliably, so the model is rejected. The diagnostic points at the \
     first invalid byte; re-save the file as UTF-8.",
);
declare_code!(
    DS002,
    "syntax-error",
    Load,
    Error,
    "A model file is not valid HCL (or JSON, for `*.hcl.json`)",
    "The file could not be parsed. The diagnostic points at where the parser stopped. Brackets \
     may nest at most 64 levels deep.",
);
declare_code!(
    DS003,
    "unknown-block",
    Load,
    Error,
    "A block type that the model language does not have at this place",
    "Every block type is listed in the model reference; an unknown one is an error rather than \
     ignored, so a typo never silently drops part of a model. The help suggests the closest \
     known block.",
);
declare_code!(
    DS004,
    "unknown-attribute",
    Load,
    Error,
    "An attribute that this block does not have",
    "Unknown attributes are errors, not ignored: a misspelt `nullable` would otherwise leave a \
     column nullable without anyone noticing. The help suggests the closest known attribute. \
     Container attributes depend on the container kind, and a platform's `settings` keys depend \
     on its target.",
);
declare_code!(
    DS005,
    "missing-attribute",
    Load,
    Error,
    "A required attribute or block is missing",
    "Some attributes have no sensible default (a capture's container, a column's type, an \
     ecosystem's owning repository). Add the attribute the message names.",
);
declare_code!(
    DS006,
    "wrong-value-type",
    Load,
    Error,
    "An attribute's value has the wrong type, or is an expression",
    "Each attribute takes one kind of value: a string, a boolean, a whole number, a list of \
     strings or an object. Models hold literal values only: variables, function calls, \
     operators and `${...}` interpolation are not evaluated, so they are rejected.",
);
declare_code!(
    DS007,
    "invalid-value",
    Load,
    Error,
    "A value is not one of the allowed words or does not follow its grammar",
    "Enumerations (capture kinds, priorities, milestoning, ...), classifications, durations and \
     numbers have a fixed grammar. The help lists the allowed values and the closest match.",
);
declare_code!(
    DS008,
    "duplicate-element",
    Load,
    Error,
    "The same element is defined twice",
    "A block may appear in only one place in the whole model, whichever files it is split \
     into: ownership and references depend on each name meaning one thing. The diagnostic points \
     at the second definition and labels the first; the first one is kept.",
);
declare_code!(
    DS009,
    "no-model-files",
    Load,
    Error,
    "The model directory holds no `*.hcl` or `*.hcl.json` files",
    "A model is a directory of `*.hcl` files (searched recursively, hidden directories skipped). \
     Check the path, or write a starter model with `dsgen new DIR`.",
);
declare_code!(
    DS010,
    "no-ecosystem",
    Load,
    Error,
    "The model has no `ecosystem` block",
    "Every model has exactly one `ecosystem` block naming the repository that owns the \
     ecosystem-level blocks and declaring the governance zones.",
);
declare_code!(
    DS011,
    "wrong-labels",
    Load,
    Error,
    "A block has the wrong number of labels",
    "Each block type takes a fixed number of labels: `datastore \"NAME\"`, \
     `team \"ZONE\" \"TEAM\"`, `container \"KIND\" \"NAME\"`, `capture` none. The help shows \
     the expected form.",
);
declare_code!(
    DS012,
    "invalid-type",
    Load,
    Error,
    "A column type string does not parse",
    "Column types are written as in the model reference: `varchar(40)`, `decimal(10,2)`, \
     `timestamp`, `array(int(32))`, `struct<a: date>`. Sizes are positive, a decimal's scale \
     does not exceed its size, and the help suggests the closest type name.",
);

/// Every load code.
pub static ALL: &[&Code] = &[
    &DS001, &DS002, &DS003, &DS004, &DS005, &DS006, &DS007, &DS008, &DS009, &DS010, &DS011, &DS012,
];
