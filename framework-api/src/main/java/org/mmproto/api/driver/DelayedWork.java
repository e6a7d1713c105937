package org.mmproto.api.driver;

/**
 * One run of a device's delayed work (CONTRACT R1.10), the engine's delayed_work_timer_fn: the
 * work {@code name} the driver queued with {@link DriverContext#scheduleDelayedWork} at
 * {@code queuedMs} of the engine's clock is run at {@code dueMs}, the time its delay ran out.
 * The clock is simulated time: it moves only when the run's time passes (a {@code tick} step).
 */
public record DelayedWork(String name, long queuedMs, long dueMs) {
}
