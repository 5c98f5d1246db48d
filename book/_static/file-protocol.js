// Opened straight from disk (file://), the browser forbids the search page to
// fetch other pages, which Sphinx does to show an excerpt under each result.
// Skip the excerpts there so search still works without errors; served over
// http(s), nothing changes.
if (window.location.protocol === "file:" && typeof DOCUMENTATION_OPTIONS !== "undefined") {
  DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
}
