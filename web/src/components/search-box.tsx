/**
 * The search box in the header of every page: `/` focuses it, typing suggests the best matches
 * (arrow keys to move, Enter to open), and Enter on the text opens the full results with filters.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { apiPath, request } from '../api/client';
import type { SearchHit } from '../api/types';
import { hrefOf, kindLabel } from '../lib/refs';
import { Highlight } from './ui';

/** Whether a key press happens while the user is typing somewhere. */
function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

export function SearchBox() {
  const navigate = useNavigate();
  const location = useLocation();
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  const [text, setText] = useState('');
  const [hits, setHits] = useState<SearchHit[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === '/' && !e.ctrlKey && !e.metaKey && !e.altKey && !typing(e.target)) {
        e.preventDefault();
        input.current?.focus();
        input.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // A new page closes the suggestions; the results page keeps its query in the box.
  useEffect(() => {
    setOpen(false);
    if (location.pathname === '/search') setText(new URLSearchParams(location.search).get('q') ?? '');
  }, [location.pathname, location.search]);

  useEffect(() => {
    const q = text.trim();
    if (!q) {
      setHits([]);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      request<{ hits: SearchHit[] }>(apiPath('/search', { q, limit: 8 }), { signal: controller.signal }).then(
        (r) => {
          setHits(r.hits);
          setFailed(null);
          setActive(-1);
        },
        (error: Error) => {
          if (error.name !== 'AbortError') setFailed(error.message);
        },
      );
    }, 150);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [text]);

  const go = (path: string) => {
    setOpen(false);
    navigate(path);
  };
  const submit = () => {
    const q = text.trim();
    if (active >= 0 && active < hits.length) go(hrefOf(hits[active]!.ref));
    else if (q) go(`/search?q=${encodeURIComponent(q)}`);
  };
  const showList = open && text.trim().length > 0;
  const optionId = (i: number) => `${listId}-o${i}`;

  const options = [
    ...hits.map((hit) => ({ id: hit.ref, href: hrefOf(hit.ref), hit })),
    ...(text.trim()
      ? [{ id: '(all)', href: `/search?q=${encodeURIComponent(text.trim())}`, hit: null }]
      : []),
  ];

  return (
    <search className="search-box">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <label htmlFor={`${listId}-input`} className="sr-only">
          Search the catalog
        </label>
        <input
          ref={input}
          id={`${listId}-input`}
          type="search"
          placeholder="Search datasets, fields, terms…  ( / )"
          autoComplete="off"
          role="combobox"
          aria-expanded={showList}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={showList && active >= 0 ? optionId(active) : undefined}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setOpen(true);
          }}
          onFocus={() => setOpen(true)}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              setOpen(true);
              setActive((a) => Math.min(a + 1, options.length - 1));
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              setActive((a) => Math.max(a - 1, -1));
            } else if (e.key === 'Escape') {
              if (showList) setOpen(false);
              else input.current?.blur();
            }
          }}
        />
      </form>
      <div id={listId} role="listbox" aria-label="Suggestions" className="suggestions" hidden={!showList}>
        {failed ? <p className="suggestion muted">Search failed: {failed}</p> : null}
        {options.map((o, i) => (
          <div
            key={o.id}
            id={optionId(i)}
            role="option"
            tabIndex={-1}
            aria-selected={i === active}
            className={`suggestion${i === active ? ' active' : ''}${o.hit ? '' : ' all'}`}
            onMouseDown={(e) => {
              e.preventDefault();
              go(o.href);
            }}
            onMouseEnter={() => setActive(i)}
          >
            {o.hit ? (
              <>
                <span className="kind">{kindLabel(o.hit.kind)}</span>{' '}
                <strong>{o.hit.title || o.hit.ref}</strong> <span className="muted small">{o.hit.ref}</span>
                {o.hit.match ? (
                  <span className="suggestion-match">
                    <Highlight text={o.hit.match} />
                  </span>
                ) : null}
              </>
            ) : hits.length ? (
              'All results and filters →'
            ) : (
              'No quick matches; see all results →'
            )}
          </div>
        ))}
      </div>
    </search>
  );
}
