using OrleansStyle.Imaging;
using Spectre.Console;

namespace OrleansStyle.Cli.Commands;

/// <summary>Turns the failures a user can cause into one clear line and a non-zero exit code.</summary>
internal static class CliErrors
{
    public const int BadInput = 2;
    public const int Cancelled = 130;

    public static async Task<int> Guard(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (ImageRejectedException ex)
        {
            return Fail($"Unusable image: {ex.Message}");
        }
        catch (FileNotFoundException ex)
        {
            return Fail(ex.Message);
        }
        catch (DirectoryNotFoundException ex)
        {
            return Fail(ex.Message);
        }
        catch (ArgumentException ex)
        {
            return Fail(ex.Message);
        }
        catch (InvalidDataException ex)
        {
            return Fail(ex.Message);
        }
        catch (OperationCanceledException)
        {
            AnsiConsole.MarkupLine("[yellow]Cancelled.[/]");
            return Cancelled;
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return BadInput;
    }
}
