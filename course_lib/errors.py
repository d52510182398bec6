"""The course's error types, and the one place where command-line scripts turn errors into messages.

Every error a learner can cause (a wrong value, file, config key, checkpoint, environment variable)
is raised as a `CourseError` whose message names the value or file (and line), says what was
expected, and gives a fix. A library exception caused by such input is caught at the course's
boundary (`boundary`) and re-raised as a CourseError, the original kept as `__cause__`.

`run_cli(main)` runs a script's `main(argv)`: an error is printed as that one message and the script
exits with status 1, without a traceback; `--debug` (or COURSE_DEBUG=1) shows the traceback.
"""
from __future__ import annotations

import contextlib
import errno
import os
import sys
import traceback
from typing import Callable, Iterator, Sequence

DEBUG_HINT = '(run again with --debug to see the traceback)'


class CourseError(Exception):
    """Bad input the course detected; the message names it, says what was expected and the fix."""


class InputError(CourseError, ValueError):
    """A value given to a course function (an array, a number, an answer) is not what it takes."""


class FileFormatError(CourseError, ValueError):
    """A file's content is not what the course reads (an image, an annotation, a CSV)."""


class ConfigError(CourseError, ValueError):
    """A config or a `--cfg-options` key that cannot do what the user asked."""


class CheckpointError(CourseError, ValueError):
    """A checkpoint that is missing, unreadable, or not of the model it is loaded into."""


class CheckpointMismatchError(CheckpointError):
    """A checkpoint whose keys or shapes do not fit the model it is loaded into (or not a checkpoint)."""


class EnvironmentVariableError(CourseError, ValueError):
    """A course environment variable (COURSE_PROFILE, COURSE_DATA_DIR, ...) with an unusable value."""


class MissingFileError(CourseError, FileNotFoundError):
    """A file or folder the course needs is not there; the message says how to make it."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ''


class UnknownNameError(CourseError, KeyError):
    """A name the course does not know (a hub entry, an exercise, a class label); the message lists the known ones."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ''


class SetupError(CourseError, RuntimeError):
    """The machine lacks a tool the course needs, or it fails (an unpacker, a video codec)."""


class WriteError(CourseError):
    """The course could not write an output (no space, a read-only disk, a file where a folder goes)."""


class OutputExistsError(InputError):
    """An output path holds files the course did not write; the course refuses to replace them."""


WRITE_CAUSES = {  # errno -> (cause, fix)
    errno.ENOSPC: ('no space left on the disk', 'free some space (or write to another disk), then rerun'),
    errno.EDQUOT: ('the disk quota is used up', 'free some space (or write to another disk), then rerun'),
    errno.EROFS: ('the disk is read-only', 'choose an output folder on a writable disk'),
    errno.EACCES: ('permission denied (a read-only folder)', 'choose an output folder you can write to'),
    errno.EPERM: ('permission denied (a read-only folder)', 'choose an output folder you can write to'),
    errno.ENOTDIR: ('a part of the path is a file, not a folder', 'choose an output path made of folders'),
    errno.EEXIST: ('a file is where a folder must go (not a folder)', 'choose an output path made of folders'),
    errno.EISDIR: ('it is a folder, where a file must go', 'give a file path'),
    errno.ENAMETOOLONG: ('the name is too long', 'choose a shorter path'),
}


def write_problem(err: OSError, path: str | os.PathLike | None = None) -> str | None:
    """A course message for an OSError of writing (the path, the cause, the fix), or None if it is another."""
    if not isinstance(err, OSError) or err.errno not in WRITE_CAUSES:
        return None
    cause, fix = WRITE_CAUSES[err.errno]
    if err.errno in (errno.ENOTDIR, errno.EEXIST):
        cause = cause.replace('a part of the path', _file_in(err.filename or path) or 'a part of the path')
    where = err.filename or path
    named = f'{where}' + (f' (writing {path})' if path and str(path) != str(where) else '')
    return f'Could not write {named}: {cause}. {fix[0].upper()}{fix[1:]}.'


def _file_in(path: str | os.PathLike | None) -> str | None:
    """The first part of a path that is a file (where a folder was needed)."""
    if not path:
        return None
    from pathlib import Path
    here = Path(path)
    for part in [*reversed(here.parents), here]:
        if part.exists() and not part.is_dir():
            return str(part)
    return None


@contextlib.contextmanager
def writing(path: str | os.PathLike) -> Iterator[None]:
    """Re-raise an OSError of writing inside the block as WriteError naming `path`, the cause and the fix."""
    try:
        yield
    except OSError as err:
        text = write_problem(err, path)
        if text is None:
            raise
        raise WriteError(text) from err


class LiveSourceError(CourseError, RuntimeError):
    """A camera that does not open, or a stream that never starts: names the input and a fix."""


def raised_in_course(err: BaseException) -> bool:
    """True when an exception was raised by course code (its innermost frame is in course_lib or data_scripts)."""
    frames = traceback.extract_tb(err.__traceback__)
    if not frames:
        return isinstance(err, CourseError)
    name = frames[-1].filename.replace('\\', '/')
    return isinstance(err, CourseError) or '/course_lib/' in name or '/data_scripts/' in name


@contextlib.contextmanager
def boundary(what: str, fix: str, error: type[CourseError] = InputError,
             catch: Sequence[type[BaseException]] = (Exception,)) -> Iterator[None]:
    """Re-raise a library exception inside the block as `error`: '<what>: <Type: message>. <fix>'."""
    try:
        yield
    except CourseError:
        raise
    except tuple(catch) as err:  # type: ignore[misc]
        if raised_in_course(err):
            raise
        detail = str(err).strip().splitlines()[0][:300] if str(err).strip() else ''
        raise error(f'{what}: {type(err).__name__}{": " + detail if detail else ""}. {fix}') from err


def message(err: BaseException) -> str:
    """The one message a script prints for an exception (course errors as they are)."""
    if isinstance(err, OSError) and not isinstance(err, CourseError) and write_problem(err):
        return write_problem(err)
    if raised_in_course(err) or isinstance(err, (FileNotFoundError, PermissionError)):
        return str(err)
    module = (traceback.extract_tb(err.__traceback__) or [None])[-1]
    where = f' (raised in {module.filename}:{module.lineno})' if module else ''
    return (f'{type(err).__name__}: {err}{where}. This error comes from a library, not from the '
            'course\'s checks: if your input looks right, please report it with the command you ran.')


def run_cli(main: Callable[[list[str]], int | None], argv: Sequence[str] | None = None) -> int:
    """Run a script's main(argv); print an error as one message and return 1 (`--debug`: traceback)."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = '--debug' in args or os.environ.get('COURSE_DEBUG', '') not in ('', '0')
    args = [a for a in args if a != '--debug']
    try:
        return int(main(args) or 0)
    except KeyboardInterrupt:
        if debug:
            raise
        print('Interrupted; rerun the same command to continue where it stopped.', file=sys.stderr)
        return 130
    except Exception as err:  # noqa: BLE001  (the one place a script's errors become messages)
        if debug:
            raise
        print(f'error: {message(err)}\n{DEBUG_HINT}', file=sys.stderr)
        return 1


__all__ = ['CheckpointError', 'CheckpointMismatchError', 'ConfigError', 'CourseError',
           'EnvironmentVariableError', 'FileFormatError', 'InputError', 'LiveSourceError', 'MissingFileError',
           'OutputExistsError', 'SetupError', 'UnknownNameError', 'WriteError', 'boundary', 'message',
           'raised_in_course', 'run_cli', 'write_problem', 'writing']
