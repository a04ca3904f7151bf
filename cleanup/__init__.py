"""cleanup: raw caption transcripts into clean prose and broadcast subtitles, every change explained."""

__version__ = "0.1.0"
