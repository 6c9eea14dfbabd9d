namespace OrleansStyle.Gateway.Tests;

/// <summary>Settings that cannot work stop <c>serve</c> at once with one line and exit code 2, as the CLI's other errors do.</summary>
public sealed class ServeConfigurationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("orleansstyle-serve-config-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("ApiKeys is empty", "--redis", "127.0.0.1:1", "--listen", "0.0.0.0")]
    [InlineData("--shutdown-grace -5", "--shutdown-grace", "-5")]
    public async Task A_configuration_error_is_one_line_and_exit_code_2(string named, params string[] arguments)
    {
        await using var serve = ServeProcess.Start(_folder, arguments);

        var code = await serve.WaitForExitAsync(TimeSpan.FromMinutes(2));

        Assert.True(code == 2, serve.Output);
        var line = Assert.Single(serve.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(named, line, StringComparison.Ordinal);
    }
}
