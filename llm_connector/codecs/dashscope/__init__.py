"""Alibaba Cloud DashScope's native text and multimodal generation API.

https://help.aliyun.com/zh/model-studio/qwen-api-via-dashscope
"""
