//! The generated branch's codes (DS903-DS906). Plain git failures (a repository or object that
//! cannot be read or written) are DS901, as in `check`.

use crate::diag::codes::{declare_code, Code};

declare_code!(
    DS903,
    "branch-not-publishable",
    Internal,
    Error,
    "The branch cannot be the generated branch",
    "`dsgen publish` writes only a branch that holds nothing but renders: its name must be a \
     valid git branch name that does not nest with an existing branch's (`generated/v2` beside \
     `generated`: git keeps branches as paths), it must not be checked out in a work tree of \
     the repository (the work tree would no longer match its branch), and when it exists its \
     tip must hold a `MANIFEST.json` written by dsgen, so a typo such as `--branch main` cannot \
     bury the model under a render. With `--remote`, the local branch must not have commits the \
     remote lacks. Choose another branch name, or push or delete the local branch.",
);

declare_code!(
    DS904,
    "publish-contention",
    Internal,
    Error,
    "The branch kept moving or stayed locked; nothing was published",
    "Publishing is a compare-and-swap on the branch tip: when another publisher moves the tip \
     first, dsgen re-reads it and commits on top of it, a bounded number of times. This code \
     means every attempt lost, or the branch's lock file stayed in place (a crashed git \
     process leaves `.git/refs/heads/NAME.lock`). Nothing was published and nothing was lost; \
     run the publish again, and remove a stale lock file only when no git process is running.",
);

declare_code!(
    DS905,
    "no-model-commit",
    Internal,
    Error,
    "The generated branch's tip does not name a model commit this clone has",
    "`dsgen verify` re-renders the model commit named by the `Model-Commit:` trailer of the \
     branch tip's message. Either the tip has no such trailer (it was not written by `dsgen \
     publish`), or the clone lacks that commit: fetch it (`git fetch origin`, or \
     `fetch-depth: 0` in actions/checkout) and verify again.",
);

declare_code!(
    DS906,
    "remote-failed",
    Internal,
    Error,
    "The remote could not be read or refused the push",
    "`dsgen publish --remote` reads the remote's branch and pushes one fast-forward commit with \
     the `git` command (never a forced push). The remote was unreachable, the credentials were \
     refused, or the push was rejected for a reason other than a concurrent publisher (a \
     protected branch, a hook). The message quotes git's reason, with any credentials in URLs \
     removed. Check `git ls-remote REMOTE` and the token's `contents: write` permission.",
);

/// Every code of the generated branch.
pub static ALL: &[&Code] = &[&DS903, &DS904, &DS905, &DS906];
