/*
 * Search that reads a Chinese query the way the index was written.
 *
 * Loaded on search.html only, before Sphinx's searchtools.js, by
 * book/_ext/zh_search.py, which also defines BOOK_SEARCH_DATA (activation
 * names and aliases -> chapter, the API pages). It uses the hooks
 * searchtools.js offers: a global `splitQuery` and a global `Scorer` are
 * used when defined; `Search.performTermsSearch` and `Search.query` are
 * wrapped once the page is loaded (before Search.init runs).
 *
 * 1. Segmentation. jieba segmented every page when the index was built; the
 *    browser has no jieba and needs none: a run of Chinese characters is cut
 *    by forward maximum matching against the index's own vocabulary (its
 *    `terms` and `titleterms`): at each position the longest indexed word
 *    wins. Characters that start no indexed word (的, 与 …) are dropped, unless
 *    none of the run is indexed: then the run stays whole, finds nothing,
 *    and the page suggests the closest indexed words. Latin words stay whole.
 * 2. Matching. A page must contain every word of the query (AND). A word
 *    that jieba did not keep whole on some page also matches there when all
 *    of its own parts occur (梯度消失 -> 梯度 + 消失).
 * 3. Ranking (Scorer.score). A query that names an activation (English or
 *    Chinese name, alias) puts its chapter first; a glossary term puts the
 *    page its definition names as first explaining it (首见) first; then a
 *    page or section whose title holds the words comes before the glossary
 *    definition, which comes before a page that merely mentions them; the
 *    API appendix comes last.
 */
"use strict";

const BookSearch = (() => {
  const HAN = /\p{Script=Han}/u;
  const HAN_RUNS = /\p{Script=Han}+|[^\p{Script=Han}]+/gu;
  // Sphinx's own splitQuery: split on everything but letters, digits, "_".
  const NON_WORD = /[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu;
  // Scores (Sphinx's scale: a body word 5, a title word 15).
  const NAMED_CHAPTER = 300;       // the chapter a whole query names
  const NAMED_IN_QUERY = 60;       // a chapter named by one word of the query
  const TAUGHT_IN = 40;            // the page the glossary says first explains the term
  const GLOSSARY_ENTRY = 12;       // below a title hit, above a body mention
  const SECTION_TITLE = 2;         // a section titled with the query, above its page
  const API_PENALTY = 1000;        // after every page of prose
  const data = typeof BOOK_SEARCH_DATA === "undefined"
    ? { chapters: {}, taughtIn: {}, apiDocs: [] } : BOOK_SEARCH_DATA;
  const apiDocs = new Set(data.apiDocs);

  let vocabularyOf = null;  // the index the vocabulary below was built from
  let vocabulary = new Set();
  let longestWord = 1;
  let currentQuery = "";
  let lastResultCount = null;
  let missingWords = [];

  const isHan = (text) => HAN.test(text);
  const nameKey = (text) => text.replace(/[\s_\-]+/g, "").toLowerCase();

  /** The index's Chinese words (terms and title terms), rebuilt when the index changes. */
  const chineseVocabulary = () => {
    const index = typeof Search === "undefined" ? null : Search._index;
    if (index && index !== vocabularyOf) {
      vocabularyOf = index;
      vocabulary = new Set(
        [...Object.keys(index.terms), ...Object.keys(index.titleterms)].filter(isHan));
      longestWord = Math.max(1, ...[...vocabulary].map((word) => [...word].length));
    }
    return vocabulary;
  };

  /**
   * Forward maximum matching of a run of Chinese characters.
   * `whole` false excludes the run itself (used to find a word's own parts).
   * Returns the indexed words found, in order; [] if none.
   */
  const segmentRun = (run, whole = true) => {
    const words = chineseVocabulary();
    const chars = [...run];
    const found = [];
    for (let i = 0; i < chars.length;) {
      let match = null;
      for (let length = Math.min(longestWord, chars.length - i); length >= 1; length--) {
        const candidate = chars.slice(i, i + length).join("");
        if (words.has(candidate) && (whole || length < chars.length)) {
          match = candidate;
          break;
        }
      }
      found.push(...(match ? [match] : []));
      i += match ? [...match].length : 1;
    }
    return found;
  };

  /** splitQuery for searchtools.js: Latin words whole, Chinese runs segmented. */
  const splitQuery = (query) => {
    const parts = [];
    query.split(NON_WORD).filter((chunk) => chunk).forEach((chunk) => {
      (chunk.match(HAN_RUNS) || []).forEach((run) => {
        if (!isHan(run)) parts.push(run);
        else {
          const words = segmentRun(run);
          parts.push(...(words.length ? words : [run]));
        }
      });
    });
    return parts;
  };

  /** Files (index numbers) listed under `key` in a terms mapping. */
  const filesOf = (mapping, key) => {
    const files = mapping.hasOwnProperty(key) ? mapping[key] : [];
    return Array.isArray(files) ? files : [files];
  };

  /** Map file -> score of one query word (exact, its parts, or Sphinx's partial match). */
  const scoresForWord = (word, terms, titleTerms) => {
    const scores = new Map();
    const offer = (files, score) => files.forEach((file) =>
      scores.set(file, Math.max(score, scores.get(file) || 0)));
    offer(filesOf(terms, word), Scorer.term);
    offer(filesOf(titleTerms, word), Scorer.title);
    if (isHan(word)) {
      const parts = segmentRun(word, false);
      if (parts.length > 1) {
        const inBody = parts.map((part) => new Set(
          [...filesOf(terms, part), ...filesOf(titleTerms, part)]));
        const inTitle = parts.map((part) => new Set(filesOf(titleTerms, part)));
        [...inBody[0]].filter((file) => inBody.every((set) => set.has(file)))
          .forEach((file) => offer([file], inTitle.every((set) => set.has(file))
            ? Scorer.partialTitle : Scorer.partialTerm));
      }
    } else if (word.length > 2) {
      // Sphinx's partial match for Latin words: indexed words containing it.
      if (!terms.hasOwnProperty(word))
        Object.keys(terms).filter((term) => term.includes(word))
          .forEach((term) => offer(filesOf(terms, term), Scorer.partialTerm));
      if (!titleTerms.hasOwnProperty(word))
        Object.keys(titleTerms).filter((term) => term.includes(word))
          .forEach((term) => offer(filesOf(titleTerms, term), Scorer.partialTitle));
    }
    return scores;
  };

  /** Replacement for Search.performTermsSearch: pages holding every word (AND). */
  const performTermsSearch = (searchTerms, excludedTerms) => {
    const index = Search._index;
    const words = [...searchTerms];
    const perWord = words.map((word) => scoresForWord(word, index.terms, index.titleterms));
    missingWords = words.filter((word, i) => perWord[i].size === 0);
    const excluded = new Set([...excludedTerms].flatMap((term) =>
      [...filesOf(index.terms, term), ...filesOf(index.titleterms, term)]));
    const scores = new Map();
    if (words.length && !missingWords.length) {
      [...perWord[0].keys()]
        .filter((file) => perWord.every((map) => map.has(file)) && !excluded.has(file))
        // The mean keeps a page with every word in its titles at the title score.
        .forEach((file) => scores.set(file, Math.round(
          perWord.reduce((sum, map) => sum + map.get(file), 0) / words.length)));
    }
    // An activation's name always finds its chapter, and a glossary term the page
    // that first explains it (首见), whatever words that page uses.
    [namedChapters(currentQuery).whole, data.taughtIn[nameKey(currentQuery)]]
      .map((docname) => index.docnames.indexOf(docname))
      .filter((file) => file >= 0 && !scores.has(file))
      .forEach((file) => scores.set(file, Scorer.term));
    return [...scores].map(([file, score]) =>
      [index.docnames[file], index.titles[file], "", null, score, index.filenames[file]]);
  };

  /** Chapters named by the whole query and by single words of it. */
  const namedChapters = (query) => ({
    whole: data.chapters[nameKey(query)] || null,
    // Words between spaces, and Latin-script runs inside a Chinese query ("tanh的饱和").
    anyWord: new Set([...query.split(/\s+/), ...(query.match(/[A-Za-z][A-Za-z0-9_-]*/g) || [])]
      .map((word) => data.chapters[nameKey(word)])
      .filter((docname) => docname)),
  });

  /** Scorer.score: see the ranking rules at the top of this file. */
  const score = (result) => {
    const [docname, title, anchor, _descr, sphinxScore] = result;
    if (apiDocs.has(docname)) return sphinxScore - API_PENALTY;
    const named = namedChapters(currentQuery);
    const glossaryEntry = anchor.startsWith("#term-");
    let total = glossaryEntry ? Math.min(sphinxScore, GLOSSARY_ENTRY) : sphinxScore;
    // A section whose title holds the query leads to the place itself.
    if (anchor && !glossaryEntry && !named.whole
        && title.toLowerCase().includes(currentQuery.trim().toLowerCase())) total += SECTION_TITLE;
    // The page itself one point above its own sections.
    const pageFirst = anchor ? 0 : 1;
    if (docname === named.whole) total += NAMED_CHAPTER + pageFirst;
    else if (named.anyWord.has(docname)) total += NAMED_IN_QUERY + pageFirst;
    if (docname === data.taughtIn[nameKey(currentQuery)]) total += TAUGHT_IN + pageFirst;
    return total;
  };

  /** Levenshtein distance between two short strings (by code point). */
  const editDistance = (a, b) => {
    const [x, y] = [[...a], [...b]];
    let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
    x.forEach((charX, i) => {
      const row = [i + 1];
      y.forEach((charY, j) => row.push(Math.min(
        previous[j + 1] + 1, row[j] + 1, previous[j] + (charX === charY ? 0 : 1))));
      previous = row;
    });
    return previous[y.length];
  };

  /** Up to `count` indexed words closest to `word`, commonest first among equals. */
  const closestTerms = (word, count = 5) => {
    const index = Search._index;
    const pages = (term) => new Set(
      [...filesOf(index.terms, term), ...filesOf(index.titleterms, term)]).size;
    const limit = Math.max(1, Math.ceil([...word].length / 2));
    return [...new Set([...Object.keys(index.terms), ...Object.keys(index.titleterms)])]
      .filter((term) => isHan(term) === isHan(word) && term !== word)
      .map((term) => ({ term, distance: editDistance(word, term) }))
      .filter(({ distance }) => distance <= limit)
      .sort((a, b) => a.distance - b.distance || pages(b.term) - pages(a.term))
      .slice(0, count)
      .map(({ term }) => term);
  };

  /** Below "no results": the words not in the index and the closest ones that are. */
  const showSuggestions = (query) => {
    const box = document.createElement("div");
    box.className = "book-search-suggestions";
    const line = (text) => box.appendChild(document.createElement("p")).append(text);
    const links = (terms) => {
      const paragraph = box.appendChild(document.createElement("p"));
      terms.forEach((term, i) => {
        if (i) paragraph.append("　");
        const link = paragraph.appendChild(document.createElement("a"));
        link.href = "?q=" + encodeURIComponent(term);
        link.textContent = term;
      });
    };
    const words = splitQuery(query.trim());
    if (missingWords.length) {
      missingWords.forEach((word) => {
        const nearest = closestTerms(word);
        line(nearest.length
          ? `本书的索引里没有“${word}”。相近的词：`
          : `本书的索引里没有“${word}”，也没有与它相近的词。`);
        if (nearest.length) links(nearest);
      });
    } else if (words.length > 1) {
      line("没有哪一页同时包含这些词。可以分别搜索：");
      links(words);
    } else {
      line("没有找到匹配的页面。");
    }
    Search.status.after(box);
  };

  /** Wrap searchtools.js's Search once it exists (before its init runs the query). */
  const install = () => {
    if (typeof Search === "undefined") return;
    Search.performTermsSearch = performTermsSearch;
    const sphinxPerformSearch = Search._performSearch;
    Search._performSearch = (...args) => {
      const results = sphinxPerformSearch(...args);
      lastResultCount = results.length;
      return results;
    };
    const sphinxQuery = Search.query;
    Search.query = (query) => {
      currentQuery = query;
      missingWords = [];
      lastResultCount = null;
      document.querySelectorAll(".book-search-suggestions").forEach((el) => el.remove());
      sphinxQuery(query);
      if (lastResultCount === 0) showSuggestions(query);
    };
  };

  return { splitQuery, score, install, segmentRun };
})();

// Read by searchtools.js instead of its defaults (it checks `typeof … === "undefined"`).
var splitQuery = BookSearch.splitQuery;
var Scorer = {
  score: BookSearch.score,
  // Sphinx's default weights, unchanged.
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: { 0: 15, 1: 5, 2: -5 },
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,
};

// Registered before searchtools.js registers Search.init, so it runs first.
document.addEventListener("DOMContentLoaded", BookSearch.install);
