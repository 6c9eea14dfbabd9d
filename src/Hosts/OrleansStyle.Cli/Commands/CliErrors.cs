using OrleansStyle.Imaging;
using Spectre.Console;

namespace OrleansStyle.Cli.Commands;

/// <summary>Turns the failures a user can cause into one clear line and a non-zero exit code.</summary>
internal static class CliErrors
{
    public const int Failure = 1;
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
        catch (Imaging.Video.VideoRejectedException ex)
        {
            return Fail(ex.Message);
        }
        catch (Imaging.Video.VideoToolMissingException ex)
        {
            return Failed(ex.Message); // the machine lacks ffmpeg: not the user's input
        }
        catch (Imaging.Video.VideoEncodingException ex)
        {
            return Failed(ex.Message);
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
        catch (Microsoft.Extensions.Options.OptionsValidationException ex)
        {
            // Settings checked when a host starts (serve, the embedded farm): the validators' messages say how to fix them.
            return Fail(string.Join(" ", ex.Failures));
        }
        catch (InvalidOperationException ex) when (ex.InnerException is FormatException && ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            return Fail(ex.Message); // a setting from the environment that is not of its type, e.g. OrleansStyle__Gateway__ShutdownGrace=abc
        }
        catch (OperationCanceledException)
        {
            AnsiConsole.MarkupLine("[yellow]Cancelled.[/]");
            return Cancelled;
        }
    }

    /// <summary>A run that started and could not finish (not the user's input): one line, exit code 1.</summary>
    public static int Failed(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return Failure;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return BadInput;
    }
}
