namespace OrleansStyle.Neural.FeedForward.Training;

/// <summary>
/// Stops a run whose losses are no longer numbers (Keras' TerminateOnNaN), or whose total loss stays
/// <see cref="GrowthFactor"/> times above its best for <see cref="Patience"/> steps in a row. Batches of random crops
/// move the loss by tens of percent; a learning rate far too high saturates the output sigmoid after one step, and
/// the loss then sits ×57 above where it started, finite and flat, with no gradient to come back by (measured at
/// lr 10 and 1e3 on the test networks).
/// </summary>
internal sealed class DivergenceMonitor(double learningRate)
{
    public const double GrowthFactor = 10;
    public const int Patience = 10;

    private double _best = double.PositiveInfinity;
    private int _above;

    public void Check(TrainingLosses losses)
    {
        var terms = new (string Name, float Value)[]
        {
            ("the content loss", losses.Content), ("the style loss", losses.Style), ("the total-variation loss", losses.TotalVariation),
            ("the total loss", losses.Total),
        };
        foreach (var (name, value) in terms)
        {
            if (!float.IsFinite(value))
            {
                throw new TrainingDivergedException(losses.Step, $"{name} is {Describe(value)}", learningRate);
            }
        }

        _best = Math.Min(_best, losses.Total);
        _above = losses.Total > GrowthFactor * _best ? _above + 1 : 0;
        if (_above >= Patience)
        {
            throw new TrainingDivergedException(
                losses.Step, $"the loss has stayed over {GrowthFactor:F0}× its best ({_best:G3}) for {Patience} steps (now {losses.Total:G3})", learningRate);
        }
    }

    public void GradientNotFinite(int step, string parameter) =>
        throw new TrainingDivergedException(step, $"the gradient of {parameter} is not finite", learningRate);

    private static string Describe(float value) => float.IsNaN(value) ? "NaN" : "infinite";
}
