//! Xinlian patch: remembered results of the context processing algorithm.
//!
//! Processing a self-contained local context (one that names no remote
//! context) on top of an active context is a pure function of the two, the
//! base URL and the processing options. Verifying credentials processes the
//! same type-scoped and property-scoped contexts (Open Badges 3.0 has one on
//! every type) on the same active contexts again and again, so each context
//! value keeps the results computed on top of it.
//!
//! A memo belongs to one context *value*: clones share it, and any change to
//! a context gives that context a fresh, empty memo. A context stored as the
//! `previous_context` of another refers to its memo weakly, so that a memo
//! entry (whose result points back at its previous context) never keeps its
//! own memo alive. Entries are bounded per context and process-wide.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};

use super::Context;

/// At most this many results are remembered on one context value.
const PER_CONTEXT: usize = 64;

/// At most this many results are remembered in the whole process.
const GLOBAL: usize = 4096;

static ENTRIES: AtomicUsize = AtomicUsize::new(0);

/// One remembered result.
pub(crate) struct Entry<T, B> {
	local: json_ld_syntax::context::Context,
	base_url: Option<T>,
	options: u32,
	result: Context<T, B>,
}

impl<T, B> Drop for Entry<T, B> {
	fn drop(&mut self) {
		ENTRIES.fetch_sub(1, Ordering::Relaxed);
	}
}

type Entries<T, B> = Mutex<Vec<Entry<T, B>>>;

/// The results remembered on a context value.
pub(crate) enum Memo<T, B> {
	Strong(Arc<Entries<T, B>>),
	Weak(Weak<Entries<T, B>>),
}

impl<T, B> Default for Memo<T, B> {
	fn default() -> Self {
		Self::Strong(Arc::default())
	}
}

impl<T, B> Clone for Memo<T, B> {
	fn clone(&self) -> Self {
		match self {
			Self::Strong(a) => Self::Strong(Arc::clone(a)),
			Self::Weak(w) => Self::Weak(Weak::clone(w)),
		}
	}
}

impl<T, B> Memo<T, B> {
	fn entries(&self) -> Option<Arc<Entries<T, B>>> {
		match self {
			Self::Strong(a) => Some(Arc::clone(a)),
			Self::Weak(w) => w.upgrade(),
		}
	}

	/// The same memo, referred to weakly.
	pub(crate) fn weak(&self) -> Self {
		match self {
			Self::Strong(a) => Self::Weak(Arc::downgrade(a)),
			Self::Weak(w) => Self::Weak(Weak::clone(w)),
		}
	}

	fn as_ptr(&self) -> *const Entries<T, B> {
		match self {
			Self::Strong(a) => Arc::as_ptr(a),
			Self::Weak(w) => w.as_ptr(),
		}
	}
}

impl<T, B> Context<T, B> {
	/// The remembered result of processing the self-contained `local`
	/// context on this context with `base_url` and the processing options
	/// encoded as `options`, if there is one.
	pub fn remembered(
		&self,
		local: &json_ld_syntax::context::Context,
		base_url: Option<&T>,
		options: u32,
	) -> Option<Self>
	where
		T: Clone + PartialEq,
		B: Clone,
	{
		let entries = self.memo.entries()?;
		let entries = entries.lock().ok()?;
		entries
			.iter()
			.find(|e| e.options == options && e.base_url.as_ref() == base_url && e.local == *local)
			.map(|e| e.result.clone())
	}

	/// Remembers `result` as the result of processing the self-contained
	/// `local` context on this context (see [`Context::remembered`]).
	pub fn remember(
		&self,
		local: &json_ld_syntax::context::Context,
		base_url: Option<T>,
		options: u32,
		result: &Self,
	) where
		T: Clone,
		B: Clone,
	{
		// A result that did not change the context shares its memo: keeping
		// it there would keep the memo alive forever.
		if self.memo.as_ptr() == result.memo.as_ptr() {
			return;
		}
		let Some(entries) = self.memo.entries() else {
			return;
		};
		let Ok(mut entries) = entries.lock() else {
			return;
		};
		if entries.len() >= PER_CONTEXT
			|| ENTRIES
				.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| (n < GLOBAL).then_some(n + 1))
				.is_err()
		{
			return;
		}
		entries.push(Entry {
			local: local.clone(),
			base_url,
			options,
			result: result.clone(),
		});
	}
}

/// Xinlian patch: how many processing results are remembered in the whole
/// process right now (at most 4096). Once every context that holds a memo
/// is dropped, this is back to zero.
pub fn remembered_results() -> usize {
	ENTRIES.load(Ordering::Relaxed)
}
