using Dashboard.Worker.Execution;
using Dashboard.Worker.Execution.Commands;

namespace Dashboard.Worker.Tests.Execution;

public class RunExecutorCatalogueTests
{
    [Fact]
    public void Finds_the_executor_for_a_family_and_none_for_an_unknown_one()
    {
        var command = new CommandExecutor();
        var catalogue = new RunExecutorCatalogue([command]);

        catalogue.Find("command").Should().BeSameAs(command);
        catalogue.Find("ngpt").Should().BeNull();
    }
}
