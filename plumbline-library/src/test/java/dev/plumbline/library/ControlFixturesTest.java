package dev.plumbline.library;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.control.Control;
import dev.plumbline.control.Library;
import dev.plumbline.fixture.FixtureRunner;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every fixture of every built-in control, one dynamic test each. */
class ControlFixturesTest {
  @TestFactory
  Stream<DynamicContainer> everyControlPassesItsFixtures() {
    return Library.builtIn().controls().stream().map(this::fixturesOf);
  }

  private DynamicContainer fixturesOf(Control control) {
    return DynamicContainer.dynamicContainer(control.id(),
        FixtureRunner.run(control).stream().map(result -> DynamicTest.dynamicTest(
            result.fixture(), () -> assertThat(result.ok())
                .as("%s %s: %s", result.controlId(), result.fixture(), result.message())
                .isTrue())));
  }
}
