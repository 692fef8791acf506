"""Reports: attributed multi-document summaries, fact tables, timelines; JSON and static HTML."""
