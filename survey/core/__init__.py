"""The pure core: questionnaires, answers, scores, benchmarks and actions, with no web and no SQL."""
