"""The course's own checking tooling (not for lessons): the full profile's offline dry run
(`make check-full`) with its miniature data, and the static site of the executed lessons (`make book`)."""
