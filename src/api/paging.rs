//! Paging of every list endpoint: a page holds at most `limit` items (default
//! [`DEFAULT_PAGE`], at most [`MAX_PAGE`]) and the cursor of the next page, so no request
//! makes the box read or send a whole table.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Items in a page when the caller does not say.
pub const DEFAULT_PAGE: usize = 100;

/// Most items in one page.
pub const MAX_PAGE: usize = 1000;

/// Which page of a list.
#[derive(Debug, Default, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// At most this many items (default 100, at most 1000).
    pub limit: Option<usize>,
    /// The `next` cursor of the previous page (items after it).
    pub after: Option<Uuid>,
}

impl PageQuery {
    /// The page size asked for, within 1 ..= [`MAX_PAGE`].
    pub fn limit(&self) -> usize {
        self.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE)
    }

    /// How many items to read: one more than the page, to know whether another follows.
    pub fn read_limit(&self) -> usize {
        self.limit() + 1
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    /// The items, in the list's order.
    pub items: Vec<T>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next: Option<Uuid>,
}

impl<T> Page<T> {
    /// A page from up to `q.read_limit()` items read: the extra item only says that another
    /// page follows, whose cursor is the last item kept.
    pub fn from_read(mut items: Vec<T>, q: &PageQuery, id: impl Fn(&T) -> Uuid) -> Self {
        let more = items.len() > q.limit();
        items.truncate(q.limit());
        let next = if more { items.last().map(id) } else { None };
        Page { items, next }
    }

    /// The same page with every item shown as `f` shows it.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next: self.next,
        }
    }
}
