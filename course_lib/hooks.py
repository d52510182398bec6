"""mmengine hooks for notebooks: a tqdm progress bar instead of walls of log lines."""
from __future__ import annotations

from mmengine.hooks import Hook
from mmengine.registry import HOOKS
from tqdm.auto import tqdm

from .errors import InputError


@HOOKS.register_module()
class TqdmProgressHook(Hook):
    """Show one progress bar over all training iterations, with the latest loss.

    Add it with `custom_hooks = [dict(type='TqdmProgressHook')]`. Used in lessons 03-07.
    """

    priority = 'VERY_LOW'

    def __init__(self, desc: str = 'training') -> None:
        self.desc = desc
        self.bar = None

    def before_train(self, runner) -> None:
        """Open the bar at the resumed iteration."""
        if runner.rank == 0:
            self.bar = tqdm(total=runner.max_iters, initial=runner.iter, desc=self.desc,
                            unit='it', dynamic_ncols=True)

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        """Advance the bar and show the loss."""
        if self.bar is None:
            return
        self.bar.update(1)
        if outputs and 'loss' in outputs:
            self.bar.set_postfix(epoch=runner.epoch + 1, loss=f'{float(outputs["loss"].detach()):.3f}',
                                 refresh=False)

    def after_train(self, runner) -> None:
        """Close the bar."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None


@HOOKS.register_module()
class TimeBudgetHook(Hook):
    """Stop training once `seconds` of wall time have passed (checked after each iteration).

    A short fine-tune that must fit a lesson's time on any machine: `custom_hooks = [dict(type=
    'TimeBudgetHook', seconds=60)]`; `runner.iter` tells how many iterations ran. Used in lesson 08 (QAT).
    """

    priority = 'LOWEST'

    def __init__(self, seconds: float) -> None:
        if seconds <= 0:
            raise InputError(f'seconds={seconds}: the time budget must be positive.')
        self.seconds = seconds
        self.start = None

    def before_train(self, runner) -> None:
        """Start the clock."""
        import time
        self.start = time.perf_counter()

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        """Ask the loop to stop when the budget is spent."""
        import time
        if time.perf_counter() - self.start >= self.seconds:
            runner.train_loop.stop_training = True
