namespace Spark3D.Data.Phantoms;

/// <summary>
/// The randomly drawn anatomy of one phantom, evaluated analytically at world (RAS, mm) points: an ellipsoidal head with
/// a bright skull/scalp shell, a CSF rim, a cortical ribbon whose inner and outer borders are folded by a low-frequency
/// function of direction, white matter, two ventricle lobes and a few bright spherical lesions. T1-like contrast:
/// lesion &gt; skull &gt; WM &gt; GM &gt; CSF &gt; background.
/// </summary>
internal sealed class PhantomAnatomy
{
    private const double SkullInner = 0.90, CsfInner = 0.86, WhiteOuter = 0.74, FoldOuter = 0.012, FoldInner = 0.05;
    private const int FoldTerms = 4;

    private readonly double _ax, _ay, _az, _cx, _cy, _cz;
    private readonly double[] _foldDir = new double[FoldTerms * 3], _foldFreq = new double[FoldTerms],
        _foldPhase = new double[FoldTerms], _foldAmp = new double[FoldTerms];
    private readonly (double X, double Y, double Z, double Rx, double Ry, double Rz)[] _ventricles;
    private readonly (double X, double Y, double Z, double R)[] _lesions;
    private readonly double[] _bias = new double[6];
    private readonly double _biasStrength;

    public float Skull { get; }
    public float Csf { get; }
    public float Grey { get; }
    public float White { get; }
    public float LesionIntensity { get; }
    public int LesionCount => _lesions.Length;

    private PhantomAnatomy(PhantomOptions o, Random rng)
    {
        _ay = rng.NextDouble() * (o.HeadLengthMaxMm - o.HeadLengthMinMm) / 2 + o.HeadLengthMinMm / 2;
        _ax = _ay * (0.78 + 0.10 * rng.NextDouble());
        _az = _ay * (0.75 + 0.10 * rng.NextDouble());
        _cx = (rng.NextDouble() - 0.5) * 6;
        _cy = (rng.NextDouble() - 0.5) * 6;
        _cz = (rng.NextDouble() - 0.5) * 6;

        double ampSum = 0;
        for (int k = 0; k < FoldTerms; k++)
        {
            var (dx, dy, dz) = RandomUnit(rng);
            _foldDir[3 * k] = dx; _foldDir[3 * k + 1] = dy; _foldDir[3 * k + 2] = dz;
            _foldFreq[k] = 5 + 7 * rng.NextDouble();
            _foldPhase[k] = 2 * Math.PI * rng.NextDouble();
            _foldAmp[k] = 0.5 + rng.NextDouble();
            ampSum += _foldAmp[k];
        }
        for (int k = 0; k < FoldTerms; k++) _foldAmp[k] /= ampSum;

        double scale = _ay / 85.0;
        double vy = (rng.NextDouble() * 15 - 5) * scale, vz = (rng.NextDouble() * 12) * scale, vx = (6 + 3 * rng.NextDouble()) * scale;
        double rx = (4 + 3 * rng.NextDouble()) * scale, ry = (15 + 7 * rng.NextDouble()) * scale, rz = (6 + 4 * rng.NextDouble()) * scale;
        _ventricles = new[] { (-vx, vy, vz, rx, ry, rz), (vx, vy, vz, rx, ry, rz) };

        _lesions = new (double, double, double, double)[rng.Next(o.MaxLesions + 1)];
        for (int i = 0; i < _lesions.Length; i++)
        {
            // Inside the deep white matter (normalised radius 0.35..0.6), away from the ventricles' midline.
            var (ux, uy, uz) = RandomUnit(rng);
            double rr = 0.35 + 0.25 * rng.NextDouble();
            _lesions[i] = (ux * rr * _ax, uy * rr * _ay, uz * rr * _az, 3 + 5 * rng.NextDouble());
        }

        for (int i = 0; i < _bias.Length; i++) _bias[i] = rng.NextDouble() - 0.5;
        _biasStrength = o.BiasStrength;

        White = 1.0f;
        Grey = (float)(0.62 + 0.08 * rng.NextDouble());
        Csf = (float)(0.20 + 0.10 * rng.NextDouble());
        Skull = (float)(1.15 + 0.15 * rng.NextDouble());
        LesionIntensity = (float)(1.35 + 0.15 * rng.NextDouble());
    }

    public static PhantomAnatomy Draw(PhantomOptions o, Random rng) => new(o, rng);

    /// <summary>Noise-free, bias-free intensity (WM = 1) and label at world point (x, y, z).</summary>
    public (float Value, byte Label) Tissue(double x, double y, double z)
    {
        double dx = x - _cx, dy = y - _cy, dz = z - _cz;
        double nx = dx / _ax, ny = dy / _ay, nz = dz / _az;
        double r2 = nx * nx + ny * ny + nz * nz;
        if (r2 > 1) return (0, PhantomLabels.Background);
        double r = Math.Sqrt(r2);
        if (r > SkullInner) return (Skull, PhantomLabels.Background);
        foreach (var l in _lesions)
        {
            double lx = dx - l.X, ly = dy - l.Y, lz = dz - l.Z;
            if (lx * lx + ly * ly + lz * lz <= l.R * l.R) return (LesionIntensity, PhantomLabels.Lesion);
        }
        foreach (var v in _ventricles)
        {
            double vx = (dx - v.X) / v.Rx, vy = (dy - v.Y) / v.Ry, vz = (dz - v.Z) / v.Rz;
            if (vx * vx + vy * vy + vz * vz <= 1) return (Csf, PhantomLabels.Csf);
        }
        if (r < WhiteOuter - FoldInner) return (White, PhantomLabels.WhiteMatter);
        double f = Fold(nx / r, ny / r, nz / r);
        if (r > CsfInner + FoldOuter * f) return (Csf, PhantomLabels.Csf);
        if (r > WhiteOuter + FoldInner * f) return (Grey, PhantomLabels.GreyMatter);
        return (White, PhantomLabels.WhiteMatter);
    }

    /// <summary>Smooth positive multiplicative field, ≈ 1 ± strength over the head.</summary>
    public double Bias(double x, double y, double z)
    {
        if (_biasStrength == 0) return 1;
        double u = x / _ay, v = y / _ay, w = z / _ay;
        double p = _bias[0] * u + _bias[1] * v + _bias[2] * w + _bias[3] * u * v + _bias[4] * v * w + _bias[5] * u * w;
        return Math.Exp(_biasStrength * p);
    }

    /// <summary>Gyral folding in [-1, 1]: a few random plane waves over the direction sphere.</summary>
    private double Fold(double ux, double uy, double uz)
    {
        double s = 0;
        for (int k = 0; k < FoldTerms; k++)
        {
            double d = ux * _foldDir[3 * k] + uy * _foldDir[3 * k + 1] + uz * _foldDir[3 * k + 2];
            s += _foldAmp[k] * Math.Sin(_foldFreq[k] * d + _foldPhase[k]);
        }
        return s;
    }

    private static (double X, double Y, double Z) RandomUnit(Random rng)
    {
        double z = 2 * rng.NextDouble() - 1, phi = 2 * Math.PI * rng.NextDouble(), r = Math.Sqrt(1 - z * z);
        return (r * Math.Cos(phi), r * Math.Sin(phi), z);
    }
}
