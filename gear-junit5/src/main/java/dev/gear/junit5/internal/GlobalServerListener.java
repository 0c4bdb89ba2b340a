package dev.gear.junit5.internal;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * Starts the whole-run server when a test plan starts and closes it when the plan ends
 * ({@code gear.server.global.enabled}; see {@link dev.gear.junit5.GlobalGearmanServer}). Found by
 * the JUnit Platform launcher through {@code ServiceLoader}; without the launcher on the class path
 * this class is never loaded and nothing changes.
 */
public final class GlobalServerListener implements TestExecutionListener {
    /** Made by {@code ServiceLoader}. */
    public GlobalServerListener() {
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        GlobalServer.planStarted(testPlan.getConfigurationParameters()::get);
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        GlobalServer.planFinished();
    }
}
